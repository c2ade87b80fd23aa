-- Two customers order at one vendor; the stats are refreshed, so the
-- materialized view the widened column feeds holds a row.
insert into auth.users (id, email) values
  ('00000000-0000-0000-0000-0000000000c1', 'c1@example.com'),
  ('00000000-0000-0000-0000-0000000000c2', 'c2@example.com'),
  ('00000000-0000-0000-0000-0000000000a1', 'v1@example.com');
insert into public.users_public (id, display_name, role) values
  ('00000000-0000-0000-0000-0000000000c1', 'Cara', 'customer'),
  ('00000000-0000-0000-0000-0000000000c2', 'Colm', 'customer'),
  ('00000000-0000-0000-0000-0000000000a1', 'Vera', 'vendor');
insert into public.vendors (id, owner_id, name, slug, address_text, location, status, approved_at) values
  ('00000000-0000-0000-0000-0000000000f1', '00000000-0000-0000-0000-0000000000a1', 'Taco Truck', 'taco-truck', '1 Main St', 'SRID=4326;POINT(-122.42 37.77)', 'active', now());
insert into public.orders (customer_id, vendor_id, idempotency_key, status, currency, subtotal_cents, total_cents, completed_at) values
  ('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000f1', 'order-key-0001', 'completed', 'USD', 900, 900, now()),
  ('00000000-0000-0000-0000-0000000000c2', '00000000-0000-0000-0000-0000000000f1', 'order-key-0002', 'completed', 'USD', 1350, 1350, now()),
  ('00000000-0000-0000-0000-0000000000c2', '00000000-0000-0000-0000-0000000000f1', 'order-key-0003', 'pending', 'USD', 450, 450, null);
refresh materialized view analytics.vendor_order_stats;
