-- Frames for metrics: the GP statements received on or before $as_of (what the book knew
-- then), in the sub-fund's currency.
SELECT statement_date, fund_id, holding_id, received_date, currency,
       CAST(nav AS DECIMAL(38,2)) AS nav,
       CAST(contributions_itd AS DECIMAL(38,2)) AS contributions_itd,
       CAST(distributions_itd AS DECIMAL(38,2)) AS distributions_itd,
       CAST(fees_itd AS DECIMAL(38,2)) AS fees_itd,
       CAST(carry_accrued AS DECIMAL(38,2)) AS carry_accrued,
       source_file, source_line
FROM gp_statements
WHERE received_date <= $as_of
ORDER BY fund_id, holding_id, statement_date
