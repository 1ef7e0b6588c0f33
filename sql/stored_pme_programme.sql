-- `fundbook metrics --by programme --pme INDEX` of a closed day: the programmes' public market
-- equivalents against $index_id, from the snapshot (joined on programme and the scope whose
-- funds they pool).
SELECT programme, scope, ks_pme, direct_alpha, ln_pme_irr, pme_nm, pme_undefined
FROM snapshot_pme_programme
WHERE close_id = $close_id AND index_id = $index_id
