select string_agg(slug || ':' || coalesce(image_url, '-'), ',' order by slug) from organization.salons;
