INSERT OR IGNORE INTO book_meta VALUES ($key, $value)
