select count(*) from rooms; select count(*) from messages;
