insert into people values (1, 'abc'), (2, 'abcdef'), (3, null);
