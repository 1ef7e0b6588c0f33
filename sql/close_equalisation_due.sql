-- Later closings dated from $start to $end: per fund, closing and partner admitted (a
-- commitment row dated after the fund's first closing, its earliest commitment date), whether
-- capital was called before it (else there is nothing to equalise), whether the fund's terms
-- give an equalisation rate, and whether the partner's equalisation_contribution rows are
-- booked, dated from the closing to $end.
WITH firsts AS (
    SELECT fund_id, min(date) AS first_closing FROM commitments GROUP BY fund_id
), later AS (
    SELECT DISTINCT c.fund_id, c.investor_id, c.date AS closing
    FROM commitments c
    JOIN firsts f ON f.fund_id = c.fund_id
    WHERE c.date > f.first_closing AND c.date BETWEEN $start AND $end
)
SELECT l.fund_id, l.investor_id, l.closing,
       t.equalisation_rate IS NOT NULL AS has_rate,
       EXISTS (SELECT 1 FROM transactions x
               WHERE x.fund_id = l.fund_id AND x.type = 'contribution'
                 AND x.date < l.closing) AS called_before,
       EXISTS (SELECT 1 FROM transactions x
               WHERE x.fund_id = l.fund_id AND x.investor_id = l.investor_id
                 AND x.type = 'equalisation_contribution'
                 AND x.date BETWEEN l.closing AND $end) AS equalised
FROM later l
LEFT JOIN terms t ON t.fund_id = l.fund_id
ORDER BY l.fund_id, l.closing, l.investor_id;
