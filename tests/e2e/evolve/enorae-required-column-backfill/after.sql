select string_agg(coalesce(username, '-') || '=' || display_name, ',' order by id) from identity.view_profile_metadata;
