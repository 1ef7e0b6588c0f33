-- Reference data of the companies.
SELECT company_id, name, theme, hk_nexus, country
FROM companies ORDER BY company_id;
