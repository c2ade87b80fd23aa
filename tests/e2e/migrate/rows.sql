insert into items (id, qty, note) select g, g * 10, 'note ' || g from generate_series(1, 200) g;
