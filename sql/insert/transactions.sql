INSERT INTO transactions
SELECT txn_id, date, fund_id, type, investor_id, holding_id, amount, currency, memo, service_start,
       service_end, category, amount_fund,
       source_file, source_line, $import_id, quantity, call_id
FROM new_rows
