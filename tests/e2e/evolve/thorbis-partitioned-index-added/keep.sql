select string_agg(tableoid::regclass || ':' || action, ',' order by occurred_at) from public.activities;
