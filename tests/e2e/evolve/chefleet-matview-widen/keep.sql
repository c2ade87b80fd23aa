select string_agg(idempotency_key || ':' || status || ':' || total_cents, ',' order by idempotency_key) from public.orders;
select vendor_id, orders_total, orders_completed, revenue_cents, distinct_customers from analytics.vendor_order_stats;
