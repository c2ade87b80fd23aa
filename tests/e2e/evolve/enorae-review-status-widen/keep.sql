select string_agg(salon_id || ':' || rating || ':' || status || ':' || total_reviews || ':' || average_rating, ',' order by salon_id, rating) from engagement.salon_reviews_with_counts_view;
