select string_agg(idempotency_key || ':' || status, ',' order by idempotency_key) from public.orders;
