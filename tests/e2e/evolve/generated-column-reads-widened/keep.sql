select sum(qty), sum(double_qty) from items;
