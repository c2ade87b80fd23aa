-- A vendor and two customers.
insert into auth.users (id, email) values
  ('11111111-1111-4111-8111-111111111111', 'carla@example.com'),
  ('22222222-2222-4222-8222-222222222222', 'chris@example.com'),
  ('33333333-3333-4333-8333-333333333333', 'vera@example.com');
insert into public.user_profiles (id, email, full_name, role, business_name) values
  ('11111111-1111-4111-8111-111111111111', 'carla@example.com', 'Carla Customer', 'customer', null),
  ('22222222-2222-4222-8222-222222222222', 'chris@example.com', 'Chris Customer', 'customer', null),
  ('33333333-3333-4333-8333-333333333333', 'vera@example.com', 'Vera Vendor', 'vendor', 'Vera Brakes');
insert into public.categories (id, name, slug) values ('cccccccc-0000-4000-8000-000000000001', 'Brakes', 'brakes');
insert into public.spare_parts (id, vendor_id, category_id, sku, name, brand, price, stock_quantity, is_active) values
  ('aaaaaaaa-0000-4000-8000-000000000001', '33333333-3333-4333-8333-333333333333', 'cccccccc-0000-4000-8000-000000000001', 'BP-1', 'Brake pad set', 'Brembo', 40.00, 50, true),
  ('aaaaaaaa-0000-4000-8000-000000000002', '33333333-3333-4333-8333-333333333333', 'cccccccc-0000-4000-8000-000000000001', 'BD-2', 'Brake disc', null, 90.00, 3, true),
  ('aaaaaaaa-0000-4000-8000-000000000003', '33333333-3333-4333-8333-333333333333', 'cccccccc-0000-4000-8000-000000000001', 'BL-3', 'Brake line (draft)', null, 15.00, 0, false);
