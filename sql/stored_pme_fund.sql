-- `fundbook metrics --by fund --pme INDEX` of a closed day: the funds' public market
-- equivalents against $index_id, from the snapshot (joined on fund_id to the fund rows).
SELECT fund_id, ks_pme, direct_alpha, ln_pme_irr, pme_nm, pme_undefined
FROM snapshot_pme_fund
WHERE close_id = $close_id AND index_id = $index_id
