-- Three bookings of two machines; the dashboard views are refreshed so
-- the ones that read total_amount hold rows.
insert into auth.users (id, email) values
  ('00000000-0000-0000-0000-0000000000a1', 'a1@example.test'),
  ('00000000-0000-0000-0000-0000000000c1', 'c1@example.test'),
  ('00000000-0000-0000-0000-0000000000c2', 'c2@example.test');
insert into public.users (id, email, role) values
  ('00000000-0000-0000-0000-0000000000a1', 'a1@example.test', 'admin'),
  ('00000000-0000-0000-0000-0000000000c1', 'c1@example.test', 'customer'),
  ('00000000-0000-0000-0000-0000000000c2', 'c2@example.test', 'customer');
insert into public.equipment (id, sku, name, category, daily_rate, status, maintenance_status) values
  ('00000000-0000-0000-0000-0000000000e1', 'EX-100', 'Mini excavator', 'earthmoving', 250.00, 'rented', 'ok'),
  ('00000000-0000-0000-0000-0000000000e2', 'LF-200', 'Scissor lift', 'access', 120.00, 'available', 'overdue'),
  ('00000000-0000-0000-0000-0000000000e3', 'GN-300', 'Generator 20kVA', 'power', 80.00, 'maintenance', 'in_service');
insert into public.bookings (booking_number, customer_id, equipment_id, status, start_at, end_at, total_amount) values
  ('BK-0001', '00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000e1', 'active', now() - interval '3 days', now() + interval '4 days', 1750.00),
  ('BK-0002', '00000000-0000-0000-0000-0000000000c2', '00000000-0000-0000-0000-0000000000e1', 'completed', now() - interval '30 days', now() - interval '20 days', 2500.00),
  ('BK-0003', '00000000-0000-0000-0000-0000000000c2', '00000000-0000-0000-0000-0000000000e2', 'pending', now() + interval '2 days', now() + interval '5 days', 360.00);
refresh materialized view public.mv_booking_trends;
refresh materialized view public.mv_equipment_utilization;
