-- The events of the hash chain, in order.
SELECT seq, event, close_id, period, import_watermark, digests, prev_hash, hash
FROM audit_chain
ORDER BY seq;
