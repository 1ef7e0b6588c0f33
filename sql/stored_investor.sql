-- `fundbook metrics --by investor` of a closed day, from its snapshot: the columns and rows in
-- the order metrics.investor_metrics gives them ($fund_id null: every fund).
SELECT fund_id, investor_id, investor_kind, currency, commitment_share, committed, paid_in,
       unfunded, distributed, nav, nav_before_carry, accrued_carry, clawback_exposure, carry_paid,
       net_irr, tvpi, dpi, rvpi, pic_multiple, irr_since, irr_nm_months, net_irr_nm
FROM snapshot_investor
WHERE close_id = $close_id AND ($fund_id IS NULL OR fund_id = $fund_id)
ORDER BY fund_id NULLS FIRST, investor_id NULLS FIRST
