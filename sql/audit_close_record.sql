-- The stored record of every close, oldest first, with what the hash chain covers.
SELECT close_id, period, quarter, period_start, period_end, status, closed_at, closed_by,
       ledger_dir, import_id, import_watermark, carry_forward, carried_forward, warnings,
       figure_count, input_from, input_after, input_hash, input_digests, output_hash, versions, prev_hash, close_hash
FROM closes
ORDER BY close_id;
