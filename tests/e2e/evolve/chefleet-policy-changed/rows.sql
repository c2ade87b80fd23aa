-- An active, a paused and a pending vendor of one owner.
insert into auth.users (id, email) values
  ('00000000-0000-0000-0000-0000000000a1', 'v1@example.com');
insert into public.users_public (id, display_name, role) values
  ('00000000-0000-0000-0000-0000000000a1', 'Vera', 'vendor');
insert into public.vendors (id, owner_id, name, slug, address_text, location, status, approved_at) values
  ('00000000-0000-0000-0000-0000000000f1', '00000000-0000-0000-0000-0000000000a1', 'Taco Truck', 'taco-truck', '1 Main St', 'SRID=4326;POINT(-122.42 37.77)', 'active', now()),
  ('00000000-0000-0000-0000-0000000000f2', '00000000-0000-0000-0000-0000000000a1', 'Noodle Stall', 'noodle-stall', '2 Main St', 'SRID=4326;POINT(-122.41 37.78)', 'paused', now()),
  ('00000000-0000-0000-0000-0000000000f3', '00000000-0000-0000-0000-0000000000a1', 'Soup Cart', 'soup-cart', '3 Main St', 'SRID=4326;POINT(-122.40 37.79)', 'pending_review', null);
