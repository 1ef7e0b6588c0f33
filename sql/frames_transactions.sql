-- Frames for metrics: transactions dated on or before $as_of, and those dated after it whose
-- service period has begun by then (a fee or expense accrued before it is paid: the loader
-- puts them in the frame `accruing`), in the fund's currency.
SELECT txn_id, date, fund_id, type, investor_id, holding_id,
       CAST(amount_fund AS DECIMAL(38,2)) AS amount_fund,
       service_start, service_end, category,
       source_file, source_line, quantity, call_id
FROM transactions
WHERE date <= $as_of OR service_start <= $as_of
ORDER BY fund_id, date, source_file, source_line
