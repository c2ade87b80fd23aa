select sum(qty), count(*) from items;
