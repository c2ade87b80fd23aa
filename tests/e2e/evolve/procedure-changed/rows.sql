insert into jobs values (1, 'stuck'), (2, 'failed');
