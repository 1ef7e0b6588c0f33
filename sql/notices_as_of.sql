-- The date notices read the book at: its last booked row or call notice, whichever is later.
SELECT max(d) FROM (
    SELECT max(date) AS d FROM transactions
    UNION ALL SELECT max(notice_date) FROM calls
)
