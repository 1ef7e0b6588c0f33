INSERT INTO imports (import_id, imported_at, ledger_dir, new_rows, counts_json, content_hash,
                     imported_by)
VALUES ($import_id, now()::TIMESTAMP, $ledger_dir, $new_rows, $counts_json, $content_hash,
        $imported_by)
