-- Two companies, three members, a customer each.
insert into auth.users (id, email) values
  ('00000000-0000-0000-0000-0000000000a1', 'a@alpha.test'),
  ('00000000-0000-0000-0000-0000000000a2', 't@alpha.test'),
  ('00000000-0000-0000-0000-0000000000b1', 'b@beta.test');
insert into public.users (id, email, first_name, last_name) values
  ('00000000-0000-0000-0000-0000000000a1', 'a@alpha.test', 'Alma', 'Owner'),
  ('00000000-0000-0000-0000-0000000000a2', 't@alpha.test', 'Theo', 'Tech'),
  ('00000000-0000-0000-0000-0000000000b1', 'b@beta.test', 'Bea', 'Owner');
insert into public.companies (id, name) values
  ('aaaaaaaa-0000-0000-0000-000000000001', 'Alpha HVAC'),
  ('bbbbbbbb-0000-0000-0000-000000000001', 'Beta Plumbing');
insert into public.team_members (company_id, user_id, role, status) values
  ('aaaaaaaa-0000-0000-0000-000000000001', '00000000-0000-0000-0000-0000000000a1', 'owner', 'active'),
  ('aaaaaaaa-0000-0000-0000-000000000001', '00000000-0000-0000-0000-0000000000a2', 'technician', 'active'),
  ('bbbbbbbb-0000-0000-0000-000000000001', '00000000-0000-0000-0000-0000000000b1', 'owner', 'active');
insert into public.customers (id, company_id, first_name, last_name, email) values
  ('aaaaaaaa-0000-0000-0000-0000000000c1', 'aaaaaaaa-0000-0000-0000-000000000001', 'Ann', 'Anders', 'ann@example.com'),
  ('bbbbbbbb-0000-0000-0000-0000000000c1', 'bbbbbbbb-0000-0000-0000-000000000001', 'Bob', 'Brown', 'bob@example.com');
