select string_agg(slug || ':' || status, ',' order by slug) from public.vendors;
