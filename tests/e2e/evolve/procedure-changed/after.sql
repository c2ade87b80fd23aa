call public.requeue('failed');
select state from jobs order by id;
