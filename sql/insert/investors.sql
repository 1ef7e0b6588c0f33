INSERT INTO investors
SELECT investor_id, name, kind, fund_id, strategic, source_file, source_line, $import_id FROM new_rows
