SELECT count(*) > 0 FROM funds WHERE fund_id = $fund_id
