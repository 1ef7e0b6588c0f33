-- The capital account statement lines of one close in canonical order.
SELECT basis, start_date, end_date, fund_id, investor_id, line_no, line, amount
FROM close_statements
WHERE close_id = ?
ORDER BY basis, fund_id, investor_id NULLS FIRST, line_no;
