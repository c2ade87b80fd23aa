select id, name, price, active from plans order by id;
