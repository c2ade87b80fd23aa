select string_agg(sku || ':' || name, ',' order by sku) from public.equipment;
