insert into docs select g, g from generate_series(1, 20) g;
