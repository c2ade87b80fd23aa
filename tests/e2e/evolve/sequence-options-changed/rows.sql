insert into tickets (title) values ('a'), ('b');
