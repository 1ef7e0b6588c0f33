SELECT 'funds' AS table_name, count(*) AS rows FROM funds
UNION ALL SELECT 'investors', count(*) FROM investors
UNION ALL SELECT 'companies', count(*) FROM companies
UNION ALL SELECT 'commitments', count(*) FROM commitments
UNION ALL SELECT 'transactions', count(*) FROM transactions
UNION ALL SELECT 'valuations', count(*) FROM valuations
UNION ALL SELECT 'fx_rates', count(*) FROM fx_rates
UNION ALL SELECT 'terms', count(*) FROM terms
UNION ALL SELECT 'investor_terms', count(*) FROM investor_terms
UNION ALL SELECT 'gp_statements', count(*) FROM gp_statements
UNION ALL SELECT 'gp_holdings', count(*) FROM gp_holdings
UNION ALL SELECT 'calls', count(*) FROM calls
UNION ALL SELECT 'index_levels', count(*) FROM index_levels
UNION ALL SELECT 'postings', count(*) FROM postings
UNION ALL SELECT 'imports', count(*) FROM imports
