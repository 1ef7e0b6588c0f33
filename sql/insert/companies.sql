INSERT INTO companies
SELECT company_id, name, theme, hk_nexus, country, source_file, source_line, $import_id
FROM new_rows
