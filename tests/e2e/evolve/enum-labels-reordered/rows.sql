insert into shirts values (1, 'small'), (2, 'large'), (3, 'medium');
