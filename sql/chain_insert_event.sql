-- Append an event to the hash chain.
INSERT INTO audit_chain (seq, event, close_id, period, import_watermark, digests, prev_hash, hash)
VALUES ($seq, $event, $close_id, $period, $import_watermark, $digests, $prev_hash, $hash);
