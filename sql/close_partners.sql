-- Each LP's capital in its fund from the booked rows alone (not from metrics): committed,
-- contributed and distributed on or before $period_end, in the fund's currency. The close
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
           sum(amount_fund) FILTER (WHERE type = 'contribution') AS contributions,
           sum(amount_fund) FILTER (WHERE type = 'distribution') AS distributions
    FROM transactions
    WHERE date <= $period_end AND type IN ('contribution', 'distribution')
    GROUP BY fund_id, investor_id
)
SELECT fund_id, investor_id,
       CAST(coalesce(c.committed, 0) AS DECIMAL(38,2)) AS committed,
       CAST(coalesce(f.contributions, 0) AS DECIMAL(38,2)) AS contributions,
       CAST(coalesce(f.distributions, 0) AS DECIMAL(38,2)) AS distributions
FROM committed c
FULL JOIN flows f USING (fund_id, investor_id)
ORDER BY fund_id, investor_id;
