select string_agg(spare_part_id || ':' || review_count || ':' || average_rating, ',' order by spare_part_id) from public.spare_part_ratings;
select string_agg(coalesce(title, '-') || ':' || rating::numeric, ',' order by title) from public.product_reviews;
