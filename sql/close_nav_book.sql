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
-- A fee or expense with a service period adds, per fund (holding_id NULL too), what was paid
-- by $period_end less what is recognised by then: amount x days of the period to $period_end /
-- its days, rounded half-even to the cent (prepaid when positive, accrued when negative); the
-- rows dated later whose period has begun count as accrued.
-- A holding tracked by quantity (a quantity on one of its investment or proceeds rows) is at
-- average cost instead, run as a recursion over its rows in exact integers (cents, units of
-- 10^-6; cents back to DECIMAL by * 0.01, never a float): a sale of q of Q units relieves round_half_even(cost x q / Q), all of it when q = Q;
-- its mark is scaled by the units held now over those held at the end of the mark's date plus
-- those bought after it, rounded half-even. A written-off holding is worth nothing.
WITH flows AS (
    SELECT fund_id, holding_id, date, type, amount_fund, source_file, source_line, quantity,
           CASE type WHEN 'investment' THEN 0 WHEN 'income' THEN 1 WHEN 'proceeds' THEN 2
                     ELSE 3 END AS same_day,
           sum(CASE WHEN type = 'investment' THEN amount_fund ELSE 0 END) OVER running AS invested,
           sum(CASE WHEN type = 'proceeds' THEN amount_fund ELSE 0 END) OVER running AS proceeds
    FROM transactions
    WHERE date <= $period_end AND type IN ('investment', 'income', 'proceeds', 'write_off')
    WINDOW running AS (PARTITION BY fund_id, holding_id
                       ORDER BY date, CASE type WHEN 'investment' THEN 0 WHEN 'income' THEN 1
                                                WHEN 'proceeds' THEN 2 ELSE 3 END,
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
), served AS (
    SELECT fund_id,
           CAST(amount_fund * 100 AS HUGEINT) AS amount,
           CAST(date <= $period_end AS INTEGER) AS paid,
           CAST(datediff('day', service_start, service_end) + 1 AS HUGEINT) AS days,
           CAST(greatest(0, datediff('day', service_start, least(service_end, $period_end)) + 1)
                AS HUGEINT) AS elapsed
    FROM transactions
    WHERE type IN ('fee', 'expense') AND service_start IS NOT NULL
      AND (date <= $period_end OR service_start <= $period_end)
), recognised AS (
    SELECT fund_id, amount * paid AS paid, amount * elapsed // days AS whole,
           2 * (amount * elapsed - (amount * elapsed // days) * days) AS twice_rest, days
    FROM served
), later AS (
    SELECT m.fund_id, m.holding_id, sum(t.amount_fund) AS invested_after
    FROM marks m
    JOIN transactions t
      ON t.fund_id = m.fund_id AND t.holding_id = m.holding_id AND t.type = 'investment'
     AND t.date > m.mark_date AND t.date <= $period_end
    GROUP BY m.fund_id, m.holding_id
), written_off AS (
    SELECT DISTINCT fund_id, holding_id FROM flows WHERE type = 'write_off'
), tracked AS (
    SELECT DISTINCT fund_id, holding_id
    FROM flows WHERE type IN ('investment', 'proceeds') AND quantity IS NOT NULL
), steps AS (
    SELECT f.fund_id, f.holding_id, f.date, f.type,
           CAST(f.amount_fund * 100 AS HUGEINT) AS cents,
           CAST(CAST(coalesce(f.quantity, 0) AS DECIMAL(38, 6)) * 1000000 AS HUGEINT) AS units,
           row_number() OVER (PARTITION BY f.fund_id, f.holding_id
                              ORDER BY f.date, f.same_day, f.source_file, f.source_line) AS n
    FROM flows f SEMI JOIN tracked t ON t.fund_id = f.fund_id AND t.holding_id = f.holding_id
), average(fund_id, holding_id, n, cost, held) AS MATERIALIZED (
    WITH RECURSIVE run(fund_id, holding_id, n, cost, held) AS (
        SELECT fund_id, holding_id, 0, CAST(0 AS HUGEINT), CAST(0 AS HUGEINT) FROM tracked
        UNION ALL
        SELECT r.fund_id, r.holding_id, s.n,
               CASE WHEN s.type = 'investment' THEN r.cost + s.cents
                    WHEN s.type = 'write_off' OR (s.type = 'proceeds' AND s.units >= r.held)
                        THEN 0
                    WHEN s.type = 'proceeds' THEN r.cost - (
                        r.cost * s.units // r.held
                        + CASE WHEN 2 * (r.cost * s.units % r.held) > r.held
                                 OR (2 * (r.cost * s.units % r.held) = r.held
                                     AND (r.cost * s.units // r.held) % 2 = 1)
                               THEN 1 ELSE 0 END)
                    ELSE r.cost END,
               CASE WHEN s.type = 'investment' THEN r.held + s.units
                    WHEN s.type = 'proceeds' THEN greatest(r.held - s.units, 0)
                    WHEN s.type = 'write_off' THEN 0
                    ELSE r.held END
        FROM run r
        JOIN steps s ON s.fund_id = r.fund_id AND s.holding_id = r.holding_id AND s.n = r.n + 1
    )
    SELECT fund_id, holding_id, n, cost, held FROM run
    QUALIFY row_number() OVER (PARTITION BY fund_id, holding_id ORDER BY n DESC) = 1
), units_at_mark AS (
    SELECT m.fund_id, m.holding_id,
           sum(CASE WHEN s.date <= m.mark_date AND s.type = 'investment' THEN s.units
                    WHEN s.date <= m.mark_date AND s.type = 'proceeds' THEN -s.units
                    ELSE 0 END) AS at_mark,
           sum(CASE WHEN s.date > m.mark_date AND s.type = 'investment' THEN s.units
                    ELSE 0 END) AS bought_after
    FROM marks m JOIN steps s ON s.fund_id = m.fund_id AND s.holding_id = m.holding_id
    GROUP BY m.fund_id, m.holding_id
), scaled AS (
    SELECT a.fund_id, a.holding_id, a.cost, a.held,
           CAST((m.mark + coalesce(l.invested_after, 0)) * 100 AS HUGEINT) * a.held AS num,
           u.at_mark + u.bought_after AS den
    FROM average a
    LEFT JOIN marks m USING (fund_id, holding_id)
    LEFT JOIN later l USING (fund_id, holding_id)
    LEFT JOIN units_at_mark u USING (fund_id, holding_id)
)
SELECT c.fund_id, c.holding_id,
       CAST(CASE WHEN w.fund_id IS NOT NULL THEN 0
                 WHEN a.fund_id IS NOT NULL AND a.num IS NOT NULL AND a.den > 0 THEN
                     CAST(a.num // a.den
                      + CASE WHEN 2 * (a.num % a.den) > a.den
                               OR (2 * (a.num % a.den) = a.den AND (a.num // a.den) % 2 = 1)
                             THEN 1 ELSE 0 END AS DECIMAL(38,0)) * 0.01
                 WHEN a.fund_id IS NOT NULL AND a.num IS NOT NULL THEN 0
                 WHEN a.fund_id IS NOT NULL THEN CAST(a.cost AS DECIMAL(38,0)) * 0.01
                 ELSE coalesce(m.mark + coalesce(l.invested_after, 0), c.remaining_cost) END
            AS DECIMAL(38,2)) AS value,
       k.lp_investor_id, k.held_rate, k.holder_rate
FROM cost c
LEFT JOIN marks m USING (fund_id, holding_id)
LEFT JOIN later l USING (fund_id, holding_id)
LEFT JOIN links k USING (fund_id, holding_id)
LEFT JOIN written_off w USING (fund_id, holding_id)
LEFT JOIN scaled a USING (fund_id, holding_id)
UNION ALL
SELECT fund_id, NULL AS holding_id,
       CAST(coalesce(sum(debit - credit), 0) AS DECIMAL(38,2)) AS value,
       NULL AS lp_investor_id, NULL AS held_rate, NULL AS holder_rate
FROM postings
WHERE date <= $period_end AND account IN ('cash', 'equalisation_interest_payable')
GROUP BY fund_id
UNION ALL
SELECT fund_id, NULL AS holding_id,
       CAST(CAST(sum(paid - whole - CASE WHEN twice_rest > days
                                              OR (twice_rest = days AND whole % 2 <> 0)
                                         THEN 1 ELSE 0 END) AS DECIMAL(38,0)) * 0.01
            AS DECIMAL(38,2)) AS value,
       NULL AS lp_investor_id, NULL AS held_rate, NULL AS holder_rate
FROM recognised
GROUP BY fund_id
ORDER BY fund_id, holding_id NULLS FIRST;
