-- Frames for metrics: fair-value marks dated on or before $as_of, in the fund's currency.
SELECT date, fund_id, holding_id,
       CAST(fair_value_fund AS DECIMAL(38,2)) AS fair_value_fund,
       source_file, source_line
FROM valuations
WHERE date <= $as_of
ORDER BY fund_id, holding_id, date, source_file, source_line
