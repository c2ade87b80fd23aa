-- the new trigger: a draft low on stock raises no alert, publishing it
-- does (rolled back)
begin;
insert into public.spare_parts (vendor_id, sku, name, price, stock_quantity, is_active)
  values ('33333333-3333-4333-8333-333333333333', 'BH-4', 'Brake hose (draft)', 9.00, 0, false);
select count(*) from public.inventory_alerts a join public.spare_parts p on p.id = a.spare_part_id where p.sku = 'BH-4';
update public.spare_parts set is_active = true where sku = 'BH-4';
select count(*) from public.inventory_alerts a join public.spare_parts p on p.id = a.spare_part_id where p.sku = 'BH-4';
rollback;
