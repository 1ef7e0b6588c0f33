-- The first date of the book on or before $period_end (null when nothing is booked).
SELECT min(d) FROM (
    SELECT min(date) AS d FROM transactions WHERE date <= $period_end
    UNION ALL SELECT min(date) FROM commitments WHERE date <= $period_end
    UNION ALL SELECT min(date) FROM valuations WHERE date <= $period_end
);
