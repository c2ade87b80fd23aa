insert into people values (1, 'happy'), (2, 'meh'), (3, 'meh');
