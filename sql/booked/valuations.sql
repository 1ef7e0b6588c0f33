SELECT date, fund_id, holding_id, fair_value, currency, fair_value_fund, source_file, source_line
FROM valuations
