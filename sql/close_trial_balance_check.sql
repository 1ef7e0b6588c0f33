-- Funds and currencies whose postings up to $period_end do not balance (debits <> credits).
SELECT fund_id, currency, sum(debit) AS debits, sum(credit) AS credits
FROM postings
WHERE date <= $period_end
GROUP BY ALL
HAVING sum(debit) <> sum(credit)
ORDER BY fund_id, currency;
