insert into people values (1, 'a@x'), (2, null), (3, null);
