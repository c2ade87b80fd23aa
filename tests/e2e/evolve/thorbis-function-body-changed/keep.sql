select string_agg(first_name || ':' || company_id, ',' order by first_name) from public.customers;
