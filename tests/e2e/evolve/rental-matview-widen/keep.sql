select string_agg(booking_number || ':' || total_amount, ',' order by booking_number) from public.bookings;
select string_agg(status || ':' || booking_count || ':' || booked_value, ',' order by status) from public.mv_booking_trends;
select string_agg(name || ':' || bookings_90d || ':' || booked_value_90d, ',' order by name) from public.mv_equipment_utilization;
