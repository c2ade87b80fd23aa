insert into people values (1, 'a'), (2, 'a'), (3, 'b'), (4, null), (5, null);
