select id, state from jobs order by id;
