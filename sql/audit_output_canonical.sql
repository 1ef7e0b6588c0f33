-- The snapshot of a close, one canonical text line per figure and per statement row, hashed per
-- part (figures, statements). Ratios are DOUBLE printed by DuckDB.
-- Returns the lines sorted by part, then bytewise; a part's digest is the SHA-256 of its lines
-- joined by \n, as for the inputs (sql/audit_input_canonical.sql).
-- Money prints as DuckDB prints a DECIMAL(38,2) (`-1234.50`); amounts that fit are cast to
-- DECIMAL(18,2) first, which prints the same text about three times faster.
WITH canon AS (
    SELECT 'figures' AS part, concat_ws(chr(31), level, coalesce(fund_id, '\N'),
           coalesce(investor_id, '\N'), coalesce(holding_id, '\N'), coalesce(item, '\N'),
           figure, kind, coalesce(CASE WHEN abs(money) < 1000000000000000 THEN money::DECIMAL(18,2)::VARCHAR ELSE money::VARCHAR END, '\N'), coalesce(ratio::VARCHAR, '\N'),
           coalesce(text, '\N')) AS line
    FROM close_figures WHERE close_id = $close_id
    UNION ALL
    SELECT 'statements', concat_ws(chr(31), basis, start_date::VARCHAR, end_date::VARCHAR,
           fund_id, coalesce(investor_id, '\N'),
           CASE WHEN abs(beginning_nav) < 1000000000000000 THEN beginning_nav::DECIMAL(18,2)::VARCHAR ELSE beginning_nav::VARCHAR END,
           CASE WHEN abs(contributions) < 1000000000000000 THEN contributions::DECIMAL(18,2)::VARCHAR ELSE contributions::VARCHAR END,
           CASE WHEN abs(distributions) < 1000000000000000 THEN distributions::DECIMAL(18,2)::VARCHAR ELSE distributions::VARCHAR END,
           CASE WHEN abs(management_fees) < 1000000000000000 THEN management_fees::DECIMAL(18,2)::VARCHAR ELSE management_fees::VARCHAR END,
           CASE WHEN abs(fee_offsets) < 1000000000000000 THEN fee_offsets::DECIMAL(18,2)::VARCHAR ELSE fee_offsets::VARCHAR END,
           CASE WHEN abs(partnership_expenses) < 1000000000000000 THEN partnership_expenses::DECIMAL(18,2)::VARCHAR ELSE partnership_expenses::VARCHAR END,
           CASE WHEN abs(income) < 1000000000000000 THEN income::DECIMAL(18,2)::VARCHAR ELSE income::VARCHAR END,
           CASE WHEN abs(other_income_expense) < 1000000000000000 THEN other_income_expense::DECIMAL(18,2)::VARCHAR ELSE other_income_expense::VARCHAR END,
           CASE WHEN abs(realised_gain) < 1000000000000000 THEN realised_gain::DECIMAL(18,2)::VARCHAR ELSE realised_gain::VARCHAR END,
           CASE WHEN abs(unrealised_gain_change) < 1000000000000000 THEN unrealised_gain_change::DECIMAL(18,2)::VARCHAR ELSE unrealised_gain_change::VARCHAR END,
           CASE WHEN abs(ending_nav) < 1000000000000000 THEN ending_nav::DECIMAL(18,2)::VARCHAR ELSE ending_nav::VARCHAR END,
           CASE WHEN abs(carry_paid) < 1000000000000000 THEN carry_paid::DECIMAL(18,2)::VARCHAR ELSE carry_paid::VARCHAR END,
           CASE WHEN abs(carry_accrued_change) < 1000000000000000 THEN carry_accrued_change::DECIMAL(18,2)::VARCHAR ELSE carry_accrued_change::VARCHAR END,
           CASE WHEN abs(carry_accrued_balance) < 1000000000000000 THEN carry_accrued_balance::DECIMAL(18,2)::VARCHAR ELSE carry_accrued_balance::VARCHAR END,
           CASE WHEN abs(commitment) < 1000000000000000 THEN commitment::DECIMAL(18,2)::VARCHAR ELSE commitment::VARCHAR END,
           CASE WHEN abs(beginning_unfunded) < 1000000000000000 THEN beginning_unfunded::DECIMAL(18,2)::VARCHAR ELSE beginning_unfunded::VARCHAR END,
           CASE WHEN abs(unfunded_contributions) < 1000000000000000 THEN unfunded_contributions::DECIMAL(18,2)::VARCHAR ELSE unfunded_contributions::VARCHAR END,
           CASE WHEN abs(recallable_distributions) < 1000000000000000 THEN recallable_distributions::DECIMAL(18,2)::VARCHAR ELSE recallable_distributions::VARCHAR END,
           CASE WHEN abs(ending_unfunded) < 1000000000000000 THEN ending_unfunded::DECIMAL(18,2)::VARCHAR ELSE ending_unfunded::VARCHAR END)
    FROM close_statements WHERE close_id = $close_id
)
SELECT part, line FROM canon ORDER BY part, line;
