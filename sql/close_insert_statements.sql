-- Store the capital account statement lines of a close from the registered close_new_statements.
INSERT INTO close_statements
SELECT $close_id, basis, start_date, end_date, fund_id, investor_id, line_no, line, amount
FROM close_new_statements;
