insert into owners values (1); insert into pets values (1, 1), (2, 9), (3, null);
