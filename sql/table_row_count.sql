-- The rows of one table of the book, named by the bound $table (a name from the catalog).
SELECT count(*) FROM query_table($table);
