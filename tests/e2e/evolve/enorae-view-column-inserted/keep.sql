select string_agg(salon_slug || ':' || coalesce(notes, '-') || ':' || coalesce(rating::text, '-'), ',' order by salon_slug, rating) from engagement.customer_favorites_view;
select count(*) from organization.salons;
