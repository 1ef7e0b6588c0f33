SELECT investor_id, name, kind, fund_id, source_file, source_line FROM investors
