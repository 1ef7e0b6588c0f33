SELECT fund_id, investor_id, date, amount, currency, amount_fund, source_file, source_line
FROM commitments
