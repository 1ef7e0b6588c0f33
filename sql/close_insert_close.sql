-- Record a close (its hash is its event in audit_chain, recorded after it).
INSERT INTO closes (close_id, period, quarter, period_start, period_end, status, closed_at,
                    closed_by, ledger_dir, import_id, import_watermark, carry_forward,
                    carried_forward, warnings, figure_count, versions)
VALUES ($close_id, $period, $quarter, $period_start, $period_end, 'closed', $closed_at,
        $closed_by, $ledger_dir, $import_id, $import_watermark, $carry_forward,
        $carried_forward, $warnings, $figure_count, $versions);
