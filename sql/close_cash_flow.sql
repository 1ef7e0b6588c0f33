-- Contributions and distributions per fund and quarter up to a close, with the cumulative net
-- cash flow to investors (distributions - contributions): the J-curve. In the fund's currency.
WITH q AS (
    SELECT fund_id,
           year(date)::VARCHAR || 'Q' || quarter(date)::VARCHAR AS quarter,
           sum(CASE WHEN type = 'contribution' THEN amount_fund ELSE 0 END)::DECIMAL(38,2)
               AS contributions,
           sum(CASE WHEN type = 'distribution' THEN amount_fund ELSE 0 END)::DECIMAL(38,2)
               AS distributions
    FROM transactions
    WHERE date <= $period_end AND type IN ('contribution', 'distribution')
    GROUP BY ALL
)
SELECT fund_id, quarter, contributions, distributions,
       (distributions - contributions)::DECIMAL(38,2) AS net_cash_flow,
       sum(distributions - contributions) OVER (
           PARTITION BY fund_id ORDER BY quarter ROWS UNBOUNDED PRECEDING
       )::DECIMAL(38,2) AS cumulative_net_cash_flow
FROM q
ORDER BY fund_id, quarter;
