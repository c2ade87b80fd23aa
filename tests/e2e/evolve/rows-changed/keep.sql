select id, name, price from plans where id = 10;
