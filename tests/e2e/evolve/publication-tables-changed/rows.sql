insert into rooms values (1, 'a'); insert into messages values (1, 'hi', 'c1');
