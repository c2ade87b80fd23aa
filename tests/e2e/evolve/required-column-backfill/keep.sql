select count(*), string_agg(email, ',' order by id) from people;
