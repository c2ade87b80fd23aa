insert into plans values (10, 'Legacy', 5);
