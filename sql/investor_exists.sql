-- Whether the book knows an investor.
SELECT count(*) FROM investors WHERE investor_id = $investor_id
