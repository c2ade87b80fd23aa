-- Salons with and without an image, favorites the view shows.
insert into auth.users (id) values
  ('00000000-0000-0000-0000-00000000000a'),
  ('00000000-0000-0000-0000-00000000000b');
insert into identity.profiles (id, username) values
  ('00000000-0000-0000-0000-00000000000a', 'ana'),
  ('00000000-0000-0000-0000-00000000000b', 'ben');
insert into organization.salons (id, owner_id, name, slug, image_url) values
  ('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-00000000000b', 'Cut', 'cut', 'https://img.example.com/cut.jpg'),
  ('00000000-0000-0000-0000-0000000000c2', '00000000-0000-0000-0000-00000000000b', 'Curl', 'curl', null);
insert into engagement.customer_favorites (customer_id, salon_id, notes) values
  ('00000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-0000000000c1', 'great fade'),
  ('00000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-0000000000c2', null);
