-- Reference data of the funds, for reports that read only the snapshot.
SELECT fund_id, name, kind, currency, vintage, manager, programme_id, investment_period_end
FROM funds ORDER BY fund_id;
