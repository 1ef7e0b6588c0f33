-- The funds' NAV a second way, from the booked rows alone (not from metrics): per fund, the
-- cash account of the double-entry postings plus each holding valued by the rule of
-- docs/methods.md: the latest mark on or before $period_end plus the investments after it,
-- else the cost not yet recovered by proceeds (relieved cost = proceeds + min(0, running
-- minimum of invested - proceeds)). One row per holding (value) and one per fund with
-- holding_id NULL (cash less the equalisation interest payable, a credit balance); the close
-- adds them up. A holding that is a fund of the book (held
-- through the holder's LP investor, `investors.fund_id`) also names that investor
-- (lp_investor_id) and the day's rates of the held fund's and the holder's currencies
-- (HKD per unit, HKD = 1): its value is the investor's capital account in the held fund,
-- converted; the close ties it to that account (the marks or cost here do not value it).
WITH flows AS (
    SELECT fund_id, holding_id, date, type, amount_fund, source_file, source_line,
           CASE type WHEN 'investment' THEN 0 WHEN 'income' THEN 1 ELSE 2 END AS same_day,
           sum(CASE WHEN type = 'investment' THEN amount_fund ELSE 0 END) OVER running AS invested,
           sum(CASE WHEN type = 'proceeds' THEN amount_fund ELSE 0 END) OVER running AS proceeds
    FROM transactions
    WHERE date <= $period_end AND type IN ('investment', 'income', 'proceeds')
    WINDOW running AS (PARTITION BY fund_id, holding_id
                       ORDER BY date, CASE type WHEN 'investment' THEN 0
                                                WHEN 'income' THEN 1 ELSE 2 END,
                                source_file, source_line
                       ROWS UNBOUNDED PRECEDING)
), cost AS (
    SELECT fund_id, holding_id,
           invested - proceeds - least(0, min(invested - proceeds) OVER running) AS remaining_cost
    FROM flows
    WINDOW running AS (PARTITION BY fund_id, holding_id
                       ORDER BY date, same_day, source_file, source_line
                       ROWS UNBOUNDED PRECEDING)
    QUALIFY row_number() OVER (PARTITION BY fund_id, holding_id
                               ORDER BY date DESC, same_day DESC,
                                        source_file DESC, source_line DESC) = 1
), marks AS (
    SELECT fund_id, holding_id, date AS mark_date, fair_value_fund AS mark
    FROM valuations
    WHERE date <= $period_end
    QUALIFY row_number() OVER (PARTITION BY fund_id, holding_id
                               ORDER BY date DESC, source_file DESC, source_line DESC) = 1
), rates AS (
    SELECT currency, hkd_per_unit
    FROM fx_rates
    WHERE date <= $period_end AND currency <> 'HKD'
    QUALIFY row_number() OVER (PARTITION BY currency
                               ORDER BY date DESC, source_file DESC, source_line DESC) = 1
    UNION ALL
    SELECT 'HKD', 1
), links AS (
    SELECT holder.fund_id, held.fund_id AS holding_id, lp.investor_id AS lp_investor_id,
           held_rate.hkd_per_unit AS held_rate, holder_rate.hkd_per_unit AS holder_rate
    FROM investors lp
    JOIN funds holder ON holder.fund_id = lp.fund_id
    JOIN funds held ON true
    LEFT JOIN rates held_rate ON held_rate.currency = held.currency
    LEFT JOIN rates holder_rate ON holder_rate.currency = holder.currency
), later AS (
    SELECT m.fund_id, m.holding_id, sum(t.amount_fund) AS invested_after
    FROM marks m
    JOIN transactions t
      ON t.fund_id = m.fund_id AND t.holding_id = m.holding_id AND t.type = 'investment'
     AND t.date > m.mark_date AND t.date <= $period_end
    GROUP BY m.fund_id, m.holding_id
)
SELECT c.fund_id, c.holding_id,
       CAST(coalesce(m.mark + coalesce(l.invested_after, 0), c.remaining_cost)
            AS DECIMAL(38,2)) AS value,
       k.lp_investor_id, k.held_rate, k.holder_rate
FROM cost c
LEFT JOIN marks m USING (fund_id, holding_id)
LEFT JOIN later l USING (fund_id, holding_id)
LEFT JOIN links k USING (fund_id, holding_id)
UNION ALL
SELECT fund_id, NULL AS holding_id,
       CAST(coalesce(sum(debit - credit), 0) AS DECIMAL(38,2)) AS value,
       NULL AS lp_investor_id, NULL AS held_rate, NULL AS holder_rate
FROM postings
WHERE date <= $period_end AND account IN ('cash', 'equalisation_interest_payable')
GROUP BY fund_id
ORDER BY fund_id, holding_id NULLS FIRST;
