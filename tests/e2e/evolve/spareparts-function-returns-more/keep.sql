select string_agg(id || ':' || role, ',' order by id) from public.user_profiles;
