-- Reference data of the investors (lp_fund_id: the fund of this book the investor is).
SELECT investor_id, name, kind, fund_id AS lp_fund_id
FROM investors ORDER BY investor_id;
