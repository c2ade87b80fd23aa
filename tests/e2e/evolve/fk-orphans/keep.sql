select count(*) from pets;
