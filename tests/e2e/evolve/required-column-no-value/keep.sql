select count(*) from people;
