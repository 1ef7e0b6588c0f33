INSERT INTO commitments
SELECT fund_id, investor_id, date, amount, currency, amount_fund, source_file, source_line,
       $import_id
FROM new_rows
