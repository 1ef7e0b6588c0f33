-- Store the general ledger of a close from the registered close_new_ledger.
INSERT INTO close_ledger
SELECT $close_id, fund_id, currency, account, section, balance, closed_balance
FROM close_new_ledger;
