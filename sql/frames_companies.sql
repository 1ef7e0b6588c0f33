-- Frames for metrics: portfolio companies with theme and HK nexus.
SELECT company_id, name, theme, hk_nexus, country
FROM companies
ORDER BY company_id
