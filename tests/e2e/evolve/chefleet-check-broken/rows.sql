-- Three dishes: one with a photo, one on offer without (breaks the new
-- check), one without a photo that is off the menu (passes it).
insert into auth.users (id, email) values
  ('00000000-0000-0000-0000-0000000000a1', 'v1@example.com');
insert into public.users_public (id, display_name, role) values
  ('00000000-0000-0000-0000-0000000000a1', 'Vera', 'vendor');
insert into public.vendors (id, owner_id, name, slug, address_text, location, status, approved_at) values
  ('00000000-0000-0000-0000-0000000000f1', '00000000-0000-0000-0000-0000000000a1', 'Taco Truck', 'taco-truck', '1 Main St', 'SRID=4326;POINT(-122.42 37.77)', 'active', now());
insert into public.dishes (vendor_id, name, price_cents, image_url, is_available) values
  ('00000000-0000-0000-0000-0000000000f1', 'Al pastor taco', 450, 'https://img.example.com/taco.jpg', true),
  ('00000000-0000-0000-0000-0000000000f1', 'Horchata', 300, null, true),
  ('00000000-0000-0000-0000-0000000000f1', 'Churros', 350, null, false);
