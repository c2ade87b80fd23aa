select id, title from tickets order by id;
