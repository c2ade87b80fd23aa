select string_agg(sku || ':' || coalesce(brand, '-'), ',' order by sku) from public.spare_parts;
