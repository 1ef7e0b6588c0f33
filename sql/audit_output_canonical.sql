-- The snapshot of a close, one canonical text line per figure and per statement row, hashed per
-- part (figures, statements). Ratios are DOUBLE printed by DuckDB.
-- Returns the lines sorted by part, then bytewise; a part's digest is the SHA-256 of its lines
-- joined by \n, as for the inputs (sql/audit_input_canonical.sql).
WITH canon AS (
    SELECT 'figures' AS part, concat_ws(chr(31), level, coalesce(fund_id, '\N'),
           coalesce(investor_id, '\N'), coalesce(holding_id, '\N'), coalesce(item, '\N'),
           figure, kind, coalesce(money::VARCHAR, '\N'), coalesce(ratio::VARCHAR, '\N'),
           coalesce(text, '\N')) AS line
    FROM close_figures WHERE close_id = $close_id
    UNION ALL
    SELECT 'statements', concat_ws(chr(31), basis, start_date::VARCHAR, end_date::VARCHAR,
           fund_id, coalesce(investor_id, '\N'),
           beginning_nav::VARCHAR,
           contributions::VARCHAR,
           distributions::VARCHAR,
           management_fees::VARCHAR,
           fee_offsets::VARCHAR,
           partnership_expenses::VARCHAR,
           income::VARCHAR,
           other_income_expense::VARCHAR,
           realised_gain::VARCHAR,
           unrealised_gain_change::VARCHAR,
           ending_nav::VARCHAR,
           carry_paid::VARCHAR,
           carry_accrued_change::VARCHAR,
           carry_accrued_balance::VARCHAR,
           commitment::VARCHAR,
           beginning_unfunded::VARCHAR,
           unfunded_contributions::VARCHAR,
           recallable_distributions::VARCHAR,
           ending_unfunded::VARCHAR)
    FROM close_statements WHERE close_id = $close_id
)
SELECT part, line FROM canon ORDER BY part, line;
