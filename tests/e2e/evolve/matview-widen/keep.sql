select n, total from item_totals;
