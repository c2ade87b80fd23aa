-- Three profiles: with a full name, with a username only, with neither.
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
