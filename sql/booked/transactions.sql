SELECT txn_id, date, fund_id, type, investor_id, holding_id, amount, currency, memo, service_start,
       service_end, category, amount_fund,
       source_file, source_line, quantity, call_id
FROM transactions
