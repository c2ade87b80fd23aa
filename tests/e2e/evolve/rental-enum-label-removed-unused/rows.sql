-- Machines in three maintenance states, none of them due_soon; the
-- dashboard views that read maintenance_status are refreshed.
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
refresh materialized view public.mv_equipment_utilization;
refresh materialized view public.mv_alert_candidates;
refresh materialized view public.mv_dashboard_kpis;
