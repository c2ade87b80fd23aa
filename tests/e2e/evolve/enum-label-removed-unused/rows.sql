insert into people values (1, 'happy'), (2, 'sad'), (3, null);
