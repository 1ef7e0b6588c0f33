-- The stored record of every close, oldest first, with the hash of its event in the chain.
SELECT c.close_id, c.period, c.quarter, c.period_start, c.period_end, c.status, c.closed_at,
       c.closed_by, c.ledger_dir, c.import_id, c.import_watermark, c.carry_forward,
       c.carried_forward, c.warnings, c.figure_count, c.versions, a.seq AS chain_seq,
       a.prev_hash, a.hash AS close_hash
FROM closes c
LEFT JOIN audit_chain a ON a.close_id = c.close_id AND a.event = 'close'
ORDER BY c.close_id;
