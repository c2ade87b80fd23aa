insert into people values (1, 'a'), (2, 'a'), (3, 'a');
