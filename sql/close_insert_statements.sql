-- Store the capital account statements of a close from the registered close_new_statements.
INSERT INTO close_statements
SELECT $close_id, basis, start_date, end_date, fund_id, investor_id,
       beginning_nav, contributions, distributions, management_fees, fee_offsets, partnership_expenses, income, other_income_expense, realised_gain, unrealised_gain_change, fx_translation, ending_nav, carry_paid, carry_accrued_change, carry_accrued_balance, commitment, beginning_unfunded, unfunded_contributions, recallable_distributions, ending_unfunded
FROM close_new_statements;
