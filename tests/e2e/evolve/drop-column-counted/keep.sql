select count(*), sum(id) from items;
