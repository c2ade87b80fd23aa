select count(*), count(is_favorite) from engagement.customer_favorites;
