select string_agg(sku || ':' || maintenance_status, ',' order by sku) from public.equipment;
select string_agg(name || ':' || maintenance_status, ',' order by name) from public.mv_equipment_utilization;
select string_agg(alert_type || ':' || title, ',' order by title) from public.mv_alert_candidates;
select fleet_size, equipment_needing_service from public.mv_dashboard_kpis;
