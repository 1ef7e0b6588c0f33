-- Every import, close and reopening of the book, in time order.
SELECT imported_at AS happened_at, 'import' AS event, NULL AS period, imported_by AS who,
       'import ' || import_id || ': ' || new_rows || ' new rows ' || counts_json AS what,
       content_hash AS hash
FROM imports
UNION ALL
SELECT closed_at, 'close', period, closed_by,
       'close ' || close_id || ' (' || status || '): ' || figure_count || ' figures'
           || CASE WHEN carry_forward THEN ', valuations carried forward' ELSE '' END,
       close_hash
FROM closes
UNION ALL
SELECT r.reopened_at, 'reopen', r.period, r.reopened_by,
       'close ' || r.close_id || ' reopened: ' || r.reason, c.close_hash
FROM close_reopenings r JOIN closes c USING (close_id)
ORDER BY happened_at, event;
