-- `fundbook metrics --by look_through_company` of a closed day, from its snapshot: the columns
-- and rows in the order metrics.look_through.look_through_company gives them ($fund_id null:
-- every guidance fund).
SELECT fund_id, company_id, theme, currency, direct_fair_value, through_fair_value, fair_value,
       share_of_nav
FROM snapshot_look_through_company
WHERE close_id = $close_id AND ($fund_id IS NULL OR fund_id = $fund_id)
ORDER BY fund_id NULLS FIRST, company_id NULLS FIRST
