-- `fundbook metrics --by programme_fund` of a closed day, from its snapshot: the columns and
-- rows in the order metrics.programme_fund_metrics gives them ($fund_id: one programme, null:
-- every one; $scopes: the order of the scopes).
SELECT programme, scope, fund_id, currency, government_committed, social_committed, committed,
       amplification, social_leverage, government_paid_in, social_paid_in, paid_in,
       paid_in_historical, paid_in_fx_translation, paid_in_leverage, government_unfunded
FROM snapshot_programme_fund
WHERE close_id = $close_id AND ($fund_id IS NULL OR programme = $fund_id)
ORDER BY programme NULLS FIRST, list_position($scopes, scope), fund_id NULLS FIRST
