select last_value, increment_by, max_value, cache_size from pg_sequences where sequencename = 'ticket_no';
insert into tickets (title) values ('c') returning id;
