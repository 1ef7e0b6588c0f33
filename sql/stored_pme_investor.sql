-- `fundbook metrics --by investor --pme INDEX` of a closed day: the partners' public market
-- equivalents against $index_id, from the snapshot (joined on fund_id, investor_id).
SELECT fund_id, investor_id, ks_pme, direct_alpha, ln_pme_irr, pme_nm, pme_undefined
FROM snapshot_pme_investor
WHERE close_id = $close_id AND index_id = $index_id
