insert into items (id, qty) select g, g from generate_series(1, 10) g;
