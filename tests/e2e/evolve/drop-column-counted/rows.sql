insert into items values (1, 'a'), (2, 'b'), (3, null);
