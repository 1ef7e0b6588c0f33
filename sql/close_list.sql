-- Every close of the book, oldest first, with the hash of its event in the chain.
SELECT c.close_id, c.period, c.quarter, c.period_start, c.period_end, c.status, c.closed_at,
       c.closed_by, c.carry_forward, c.carried_forward, c.warnings, c.figure_count,
       coalesce(a.hash, ''), a.prev_hash
FROM closes c
LEFT JOIN audit_chain a ON a.close_id = c.close_id AND a.event = 'close'
ORDER BY c.close_id;
