select string_agg(id || ':' || size, ',' order by id) from shirts;
