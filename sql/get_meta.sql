SELECT value FROM book_meta WHERE key = $key
