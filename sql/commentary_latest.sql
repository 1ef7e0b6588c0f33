-- The latest booked version of each commentary file (quarter, lang): its text and hash.
SELECT quarter, lang, text, sha256, source_file
FROM commentary
QUALIFY row_number() OVER (PARTITION BY quarter, lang ORDER BY import_id DESC) = 1
ORDER BY quarter, lang;
