-- Each LP's capital in its fund from the booked rows alone (not from metrics): committed,
-- contributed and distributed on or before $period_end (equalisation catch-ups and
-- distributions included; the carry paid out of its distributions counted with them), and
-- its own items (partner-specific income - fees - expenses: rows of those types that name it), in the fund's currency. An own income, or a fee or
-- expense without a service period, counts in full on its date; a fee or expense with one
-- counts as recognised by $period_end, as docs/methods.md "Fees and expenses recognised"
-- says (and sql/close_nav_book.sql for the fund's prepaid and accrued): amount x days of the
-- period to $period_end / its days, rounded half-even to the cent, in integer cents; a row
-- dated later whose period has begun counts too (accrued before it is paid). The close
-- recomputes each fund's split between its LPs from these and the fund's NAV of the booked
-- rows (close_nav_book), and ties the capital accounts (and a holder's interest in a fund of
-- the book) to it.
WITH committed AS (
    SELECT fund_id, investor_id, sum(amount_fund) AS committed
    FROM commitments
    WHERE date <= $period_end
    GROUP BY fund_id, investor_id
), flows AS (
    SELECT fund_id, investor_id,
           sum(amount_fund) FILTER (WHERE type IN ('contribution', 'equalisation_contribution'))
               AS contributions,
           sum(amount_fund) FILTER (WHERE type IN ('distribution', 'equalisation_distribution',
                                                   'carry'))
               AS distributions
    FROM transactions
    WHERE date <= $period_end AND investor_id IS NOT NULL
      AND type IN ('contribution', 'distribution', 'equalisation_contribution',
                   'equalisation_distribution', 'carry')
    GROUP BY fund_id, investor_id
), own_rows AS (
    SELECT fund_id, investor_id, type, service_start IS NOT NULL AS served,
           CAST(amount_fund * 100 AS HUGEINT) AS amount,
           CAST(datediff('day', service_start, service_end) + 1 AS HUGEINT) AS days,
           CAST(greatest(0, datediff('day', service_start, least(service_end, $period_end)) + 1)
                AS HUGEINT) AS elapsed
    FROM transactions
    WHERE investor_id IS NOT NULL AND type IN ('income', 'fee', 'expense')
      AND (date <= $period_end
           OR (type IN ('fee', 'expense') AND service_start <= $period_end))
), own_parts AS (
    SELECT fund_id, investor_id, type, served, amount, days,
           amount * elapsed // days AS whole,
           2 * (amount * elapsed - (amount * elapsed // days) * days) AS twice_rest
    FROM own_rows
), own AS (
    SELECT fund_id, investor_id,
           sum(CASE type WHEN 'income' THEN 1 ELSE -1 END
               * CASE WHEN NOT served THEN amount
                      ELSE whole + CASE WHEN twice_rest > days
                                             OR (twice_rest = days AND whole % 2 <> 0)
                                        THEN 1 ELSE 0 END END) AS own_cents
    FROM own_parts
    GROUP BY fund_id, investor_id
)
SELECT fund_id, investor_id,
       CAST(coalesce(c.committed, 0) AS DECIMAL(38,2)) AS committed,
       CAST(coalesce(f.contributions, 0) AS DECIMAL(38,2)) AS contributions,
       CAST(coalesce(f.distributions, 0) AS DECIMAL(38,2)) AS distributions,
       CAST(CAST(coalesce(o.own_cents, 0) AS DECIMAL(38,0)) * 0.01 AS DECIMAL(38,2)) AS own
FROM committed c
FULL JOIN flows f USING (fund_id, investor_id)
FULL JOIN own o USING (fund_id, investor_id)
ORDER BY fund_id, investor_id;
