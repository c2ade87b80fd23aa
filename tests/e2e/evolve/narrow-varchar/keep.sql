select string_agg(id || ':' || coalesce(code, '-'), ',' order by id) from people;
