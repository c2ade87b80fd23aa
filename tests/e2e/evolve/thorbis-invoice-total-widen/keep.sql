select string_agg(invoice_number || ':' || total_amount || ':' || balance_amount, ',' order by company_id, invoice_number) from public.invoices;
select string_agg(customer_name || ':' || total_revenue || ':' || total_paid, ',' order by customer_name) from reporting.mv_customer_lifetime_value;
select string_agg(month || ':' || total_revenue || ':' || total_outstanding, ',' order by company_id, month) from reporting.mv_monthly_revenue;
