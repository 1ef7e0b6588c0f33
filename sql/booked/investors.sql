SELECT investor_id, name, kind, fund_id, strategic, source_file, source_line FROM investors
