select string_agg(p.sku || ':' || a.stock_quantity || ':' || a.status, ',' order by p.sku) from public.inventory_alerts a join public.spare_parts p on p.id = a.spare_part_id;
