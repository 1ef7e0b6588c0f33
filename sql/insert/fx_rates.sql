INSERT INTO fx_rates
SELECT date, currency, hkd_per_unit, source_file, source_line, $import_id FROM new_rows
