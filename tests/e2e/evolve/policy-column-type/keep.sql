select sum(owner_id), count(*) from docs;
