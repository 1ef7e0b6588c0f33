SELECT date, currency, hkd_per_unit, source_file, source_line FROM fx_rates
