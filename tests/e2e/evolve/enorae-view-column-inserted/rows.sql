-- Three profiles, two salons, favorites the view shows.
insert into auth.users (id) values
  ('00000000-0000-0000-0000-00000000000a'),
  ('00000000-0000-0000-0000-00000000000b'),
  ('00000000-0000-0000-0000-00000000000c');
insert into identity.profiles (id, username, full_name) values
  ('00000000-0000-0000-0000-00000000000a', 'ana', 'Ana Alves'),
  ('00000000-0000-0000-0000-00000000000b', 'ben', null),
  ('00000000-0000-0000-0000-00000000000c', null, null);
insert into organization.salons (id, owner_id, name, slug) values
  ('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-00000000000b', 'Cut', 'cut'),
  ('00000000-0000-0000-0000-0000000000c2', '00000000-0000-0000-0000-00000000000b', 'Curl', 'curl');
insert into engagement.customer_favorites (customer_id, salon_id, notes, rating) values
  ('00000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-0000000000c1', 'great fade', 5),
  ('00000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-0000000000c2', null, null),
  ('00000000-0000-0000-0000-00000000000c', '00000000-0000-0000-0000-0000000000c1', null, 4);
