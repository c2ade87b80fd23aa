select string_agg(id || ':' || coalesce(username, '-') || ':' || coalesce(full_name, '-'), ',' order by id) from identity.profiles;
