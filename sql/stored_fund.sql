-- `fundbook metrics --by fund` of a closed day, from its snapshot: the columns and rows in the
-- order metrics.fund_metrics gives them ($fund_id null: every fund).
SELECT fund_id, name, kind, currency, committed, government_committed, social_committed,
       amplification, social_leverage, paid_in, government_paid_in, social_paid_in,
       paid_in_leverage, unfunded, distributed, nav, nav_before_carry, accrued_carry,
       clawback_exposure, carry_paid, net_irr, tvpi, dpi, rvpi, pic_multiple,
       invested, gross_irr, gross_moic, cash, holdings_value, prepaid, accrued, interest_payable,
       proceeds, income, fees, expenses, grants, realised_gain, fx_translation, unrealised_gain,
       meets_target, irr_since, irr_nm_months, net_irr_nm, gross_irr_nm
FROM snapshot_fund
WHERE close_id = $close_id AND ($fund_id IS NULL OR fund_id = $fund_id)
ORDER BY fund_id NULLS FIRST
