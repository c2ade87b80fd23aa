select count(*), sum(qty) from items;
