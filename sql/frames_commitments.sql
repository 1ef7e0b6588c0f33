-- Frames for metrics: commitments dated on or before $as_of, in the fund's currency.
SELECT fund_id, investor_id, date,
       CAST(amount_fund AS DECIMAL(38,2)) AS amount_fund,
       source_file, source_line
FROM commitments
WHERE date <= $as_of
ORDER BY fund_id, investor_id, date, source_file, source_line
