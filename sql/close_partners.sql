-- Each LP's capital in its fund from the booked rows alone (not from metrics): committed,
-- contributed and distributed on or before $period_end (equalisation catch-ups and
-- distributions included), and its own items (partner-specific income - fees - expenses:
-- rows of those types that name it), in the fund's currency. The close
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
           sum(amount_fund) FILTER (WHERE type IN ('distribution', 'equalisation_distribution'))
               AS distributions,
           sum(CASE type WHEN 'income' THEN amount_fund ELSE -amount_fund END)
               FILTER (WHERE type IN ('income', 'fee', 'expense')) AS own
    FROM transactions
    WHERE date <= $period_end AND investor_id IS NOT NULL
      AND type IN ('contribution', 'distribution', 'equalisation_contribution',
                   'equalisation_distribution', 'income', 'fee', 'expense')
    GROUP BY fund_id, investor_id
)
SELECT fund_id, investor_id,
       CAST(coalesce(c.committed, 0) AS DECIMAL(38,2)) AS committed,
       CAST(coalesce(f.contributions, 0) AS DECIMAL(38,2)) AS contributions,
       CAST(coalesce(f.distributions, 0) AS DECIMAL(38,2)) AS distributions,
       CAST(coalesce(f.own, 0) AS DECIMAL(38,2)) AS own
FROM committed c
FULL JOIN flows f USING (fund_id, investor_id)
ORDER BY fund_id, investor_id;
