-- Frames for metrics: transactions dated on or before $as_of, in the fund's currency.
SELECT txn_id, date, fund_id, type, investor_id, holding_id,
       CAST(amount_fund AS DECIMAL(38,2)) AS amount_fund,
       source_file, source_line, quantity
FROM transactions
WHERE date <= $as_of
ORDER BY fund_id, date, source_file, source_line
