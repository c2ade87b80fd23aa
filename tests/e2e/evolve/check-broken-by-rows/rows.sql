insert into items values (1, 5), (2, -1), (3, -7), (4, null);
