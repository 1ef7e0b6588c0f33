-- `fundbook metrics --by grant` of a closed day, from its snapshot: the columns and rows in
-- the order metrics.grants.grant_table gives them ($fund_id: one grant fund, null: every one).
SELECT fund_id, company_id, currency, grants, matching, matching_ratio, required_ratio,
       compliant, shortfall, grants_hkd, matching_hkd, over_cap, last_grant_date, matching_deadline, status
FROM snapshot_grant
WHERE close_id = $close_id AND ($fund_id IS NULL OR fund_id = $fund_id)
ORDER BY fund_id NULLS FIRST, company_id NULLS FIRST
