select string_agg(id || ':' || coalesce(feeling::text, '-'), ',' order by id) from people;
