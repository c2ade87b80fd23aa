-- Two salons of one owner.
insert into auth.users (id) values ('00000000-0000-0000-0000-00000000000b');
insert into identity.profiles (id, username) values ('00000000-0000-0000-0000-00000000000b', 'ben');
insert into organization.salons (id, owner_id, name, slug, description) values
  ('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-00000000000b', 'Cut', 'cut', 'Walk-ins welcome'),
  ('00000000-0000-0000-0000-0000000000c2', '00000000-0000-0000-0000-00000000000b', 'Curl', 'curl', null);
