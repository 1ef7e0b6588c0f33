-- Every close of the book, oldest first (the order of the hash chain).
SELECT close_id, period, quarter, period_start, period_end, status, closed_at, closed_by,
       carry_forward, carried_forward, warnings, figure_count, input_hash, output_hash,
       close_hash, prev_hash
FROM closes
ORDER BY close_id;
