select string_agg(slug || ':' || coalesce(description, '-'), ',' order by slug) from organization.salons;
