-- a new order takes the new label as its default (rolled back)
begin;
insert into public.orders (customer_id, vendor_id, idempotency_key, currency, subtotal_cents, total_cents)
  values ('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000f1', 'order-key-0004', 'USD', 100, 100)
  returning status;
rollback;
