insert into items select g, g * 10 from generate_series(1, 50) g;
