select string_agg(id || ':' || feeling, ',' order by id) from people;
