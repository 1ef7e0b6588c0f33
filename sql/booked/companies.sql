SELECT company_id, name, theme, hk_nexus, country, source_file, source_line FROM companies
