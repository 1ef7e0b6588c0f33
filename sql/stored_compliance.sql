-- `fundbook compliance` of a closed day, from its snapshot: the columns and rows in the order
-- metrics.compliance gives them: by status ($statuses, failures first), fund, rule ($rules).
SELECT fund_id, rule, status, ratio, amount, currency, threshold, detail
FROM snapshot_compliance
WHERE close_id = $close_id
ORDER BY list_position($statuses, status), fund_id NULLS FIRST, list_position($rules, rule)
