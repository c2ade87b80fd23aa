-- Rows put in after v1 is applied.
insert into shop.customers (name, email, state)
  values ('ann', 'a@x', 'open'), ('bob', 'b@x', 'done');
insert into shop.orders (customer_id, total)
  select id, t from shop.customers c
    join (values ('ann', 10), ('bob', 20), ('bob', 5)) as v (n, t) on v.n = c.name;
refresh materialized view shop.order_totals;
