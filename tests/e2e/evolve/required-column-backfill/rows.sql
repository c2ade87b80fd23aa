insert into people values (1, 'ann@x'), (2, 'bob@y');
