-- Every import, close and reopening of the book, in time order, with its hash.
SELECT imported_at AS happened_at, 'import' AS event, NULL AS period, imported_by AS who,
       'import ' || import_id || ': ' || new_rows || ' new rows ' || counts_json AS what,
       content_hash AS hash
FROM imports
UNION ALL
SELECT c.closed_at, 'close', c.period, c.closed_by,
       'close ' || c.close_id || ' (' || c.status || '): ' || c.figure_count || ' figures'
           || CASE WHEN c.carry_forward THEN ', valuations carried forward' ELSE '' END,
       a.hash
FROM closes c LEFT JOIN audit_chain a ON a.close_id = c.close_id AND a.event = 'close'
UNION ALL
SELECT r.reopened_at, 'reopen', r.period, r.reopened_by,
       'close ' || r.close_id || ' reopened: ' || r.reason, a.hash
FROM close_reopenings r
LEFT JOIN audit_chain a ON a.close_id = r.close_id AND a.event = 'reopen'
ORDER BY happened_at, event;
