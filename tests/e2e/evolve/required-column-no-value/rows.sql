insert into people select g from generate_series(1, 5) g;
