-- Two scissor lifts entered twice under the same name.
insert into public.equipment (id, sku, name, category, daily_rate, status, maintenance_status) values
  ('00000000-0000-0000-0000-0000000000e1', 'EX-100', 'Mini excavator', 'earthmoving', 250.00, 'rented', 'ok'),
  ('00000000-0000-0000-0000-0000000000e2', 'LF-200', 'Scissor lift', 'access', 120.00, 'available', 'overdue'),
  ('00000000-0000-0000-0000-0000000000e3', 'GN-300', 'Generator 20kVA', 'power', 80.00, 'maintenance', 'in_service');
insert into public.equipment (sku, name, category, daily_rate) values
  ('LF-201', 'Scissor lift', 'access', 120.00),
  ('LF-202', 'Scissor lift', 'access', 125.00);
