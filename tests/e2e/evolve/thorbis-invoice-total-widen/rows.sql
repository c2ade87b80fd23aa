-- Invoices of two companies; the reporting views are refreshed, so the
-- materialized views that read total_amount hold rows.
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
insert into public.invoices (company_id, customer_id, invoice_number, status, issue_date, subtotal, tax_amount, total_amount, paid_amount) values
  ('aaaaaaaa-0000-0000-0000-000000000001', 'aaaaaaaa-0000-0000-0000-0000000000c1', 'INV-1', 'paid', '2025-03-02', 100.00, 8.00, 108.00, 108.00),
  ('aaaaaaaa-0000-0000-0000-000000000001', 'aaaaaaaa-0000-0000-0000-0000000000c1', 'INV-2', 'sent', '2025-03-20', 250.00, 20.00, 270.00, 70.00),
  ('bbbbbbbb-0000-0000-0000-000000000001', 'bbbbbbbb-0000-0000-0000-0000000000c1', 'INV-1', 'draft', '2025-04-01', 50.00, 0, 50.00, 0);
refresh materialized view reporting.mv_customer_lifetime_value;
refresh materialized view reporting.mv_monthly_revenue;
