-- Per fund, from the double-entry postings up to $period_end: the balance of the cash account
-- (debits - credits) and of partners' capital (credits - debits), to tie to the figures that
-- metrics computes from the transactions on its own.
SELECT fund_id,
       coalesce(sum(debit - credit) FILTER (WHERE account = 'cash'), 0) AS cash,
       coalesce(sum(credit - debit) FILTER (WHERE account = 'partners_capital'), 0) AS capital
FROM postings
WHERE date <= $period_end
GROUP BY fund_id
ORDER BY fund_id;
