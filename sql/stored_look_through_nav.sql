-- `fundbook metrics --by look_through_nav` of a closed day, from its snapshot: the columns and
-- rows in the order metrics.look_through.look_through_nav gives them ($fund_id null: every
-- guidance fund).
SELECT fund_id, currency, holdings_fair_value, sub_fund_net_assets, own_net_assets, nav
FROM snapshot_look_through_nav
WHERE close_id = $close_id AND ($fund_id IS NULL OR fund_id = $fund_id)
ORDER BY fund_id NULLS FIRST
