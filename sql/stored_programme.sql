-- `fundbook metrics --by programme` of a closed day, from its snapshot: the columns and rows in
-- the order metrics.programme_metrics gives them ($fund_id: one programme, null: every one),
-- its scopes in the order of $scopes.
SELECT programme, scope, kind, member_funds, currency, government_committed, social_committed,
       committed, amplification, social_leverage, target_amplification, target_size,
       size_shortfall, target_date, target_status, meets_target, government_paid_in, social_paid_in, paid_in, paid_in_historical, paid_in_fx_translation,
       paid_in_leverage, government_unfunded, government_not_committed, grants, matching,
       matching_ratio, grant_companies, companies_short, short_companies, companies_pending,
       companies_over_cap, budget, budget_used
FROM snapshot_programme
WHERE close_id = $close_id AND ($fund_id IS NULL OR programme = $fund_id)
ORDER BY programme NULLS FIRST, list_position($scopes, scope)
