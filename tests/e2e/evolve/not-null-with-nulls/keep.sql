select count(*), count(email) from people;
