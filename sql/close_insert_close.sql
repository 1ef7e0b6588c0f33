-- Record a close and its hashes.
INSERT INTO closes (close_id, period, quarter, period_start, period_end, status, closed_at,
                    closed_by, ledger_dir, import_id, import_watermark, carry_forward,
                    carried_forward, warnings, figure_count, input_from, input_after, input_hash, input_digests, output_hash, versions,
                    prev_hash, close_hash)
VALUES ($close_id, $period, $quarter, $period_start, $period_end, 'closed', $closed_at,
        $closed_by, $ledger_dir, $import_id, $import_watermark, $carry_forward,
        $carried_forward, $warnings, $figure_count, $input_from, $input_after, $input_hash, $input_digests, $output_hash, $versions,
        $prev_hash, $close_hash);
