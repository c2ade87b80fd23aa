select string_agg(name || ':' || coalesce(image_url, '-'), ',' order by name) from public.dishes;
