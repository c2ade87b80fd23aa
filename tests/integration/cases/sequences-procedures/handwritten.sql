-- Billing sequences and procedures, written by hand as a migration would.
--
-- Apply to a fresh database:  psql -v ON_ERROR_STOP=1 -1 -f handwritten.sql

DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'billing_worker') THEN
    CREATE ROLE billing_worker NOLOGIN;
  END IF;
END
$$;

CREATE SCHEMA billing;

CREATE SEQUENCE billing.invoice_no AS integer INCREMENT 2 MINVALUE 10
  MAXVALUE 99999 START 1000 CACHE 5 CYCLE;
GRANT USAGE, SELECT ON SEQUENCE billing.invoice_no TO billing_worker;
COMMENT ON SEQUENCE billing.invoice_no IS 'invoice numbers';

CREATE SEQUENCE billing.countdown INCREMENT BY -1;

CREATE TABLE billing.invoices (
  id integer PRIMARY KEY DEFAULT nextval('billing.invoice_no'),
  state text NOT NULL DEFAULT 'open'
);

CREATE SEQUENCE billing.line_no;
CREATE TABLE billing.lines (
  invoice_id integer NOT NULL REFERENCES billing.invoices (id),
  no bigint NOT NULL DEFAULT nextval('billing.line_no'),
  PRIMARY KEY (invoice_id, no)
);
ALTER SEQUENCE billing.line_no OWNED BY billing.lines.no;

CREATE PROCEDURE billing.close_invoice(p_id integer, INOUT closed boolean DEFAULT false)
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = ''
AS $$
  begin
    update billing.invoices set state = 'closed' where id = p_id;
    closed := found;
  end
  $$;
REVOKE EXECUTE ON PROCEDURE billing.close_invoice(integer, boolean) FROM PUBLIC;
GRANT EXECUTE ON PROCEDURE billing.close_invoice(integer, boolean) TO billing_worker;
COMMENT ON PROCEDURE billing.close_invoice(integer, boolean) IS 'closes one invoice';

CREATE PROCEDURE billing.purge()
  LANGUAGE sql SET search_path = ''
AS $$ delete from billing.invoices where state = 'void' $$;
