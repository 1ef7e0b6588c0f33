INSERT INTO funds
SELECT fund_id, name, kind, currency, vintage, manager, programme_id, investment_period_end,
       source_file, source_line, $import_id
FROM new_rows
