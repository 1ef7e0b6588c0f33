-- `fundbook metrics --by holding` of a closed day, from its snapshot: the columns and rows in
-- the order metrics.holding_metrics gives them ($fund_id null: every fund).
SELECT fund_id, holding_id, currency, valued_by, valuation_date, lag_days, invested, proceeds, income,
       fair_value, gross_irr, moic, co_invested, co_investment_leverage, remaining_cost,
       realised_gain, fx_translation, unrealised_gain, rank, share_of_fair_value,
       cumulative_share_of_fair_value, realisation, gp_fees_itd, gp_carry_accrued
FROM snapshot_holding
WHERE close_id = $close_id AND ($fund_id IS NULL OR fund_id = $fund_id)
ORDER BY fund_id NULLS FIRST, holding_id NULLS FIRST
