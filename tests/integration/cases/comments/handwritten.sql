-- The comments case, written by hand.
CREATE TABLE public.accounts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL,
  CONSTRAINT accounts_email_key UNIQUE (email)
);
COMMENT ON TABLE public.accounts IS 'who signs in';
COMMENT ON CONSTRAINT accounts_email_key ON public.accounts IS 'one account per address';

CREATE FUNCTION public.touch() RETURNS trigger
  LANGUAGE plpgsql SET search_path = ''
AS $$ begin new.updated_at := now(); return new; end $$;

CREATE TABLE public.orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id bigint NOT NULL REFERENCES public.accounts (id) ON DELETE CASCADE,
  total numeric NOT NULL CONSTRAINT orders_total_check CHECK (total >= 0),
  updated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON CONSTRAINT orders_total_check ON public.orders IS 'refunds are rows of their own';
COMMENT ON CONSTRAINT orders_account_id_fkey ON public.orders IS 'an order dies with its account';
CREATE INDEX orders_by_account ON public.orders (account_id);
COMMENT ON INDEX public.orders_by_account IS 'the account page lists orders';
ALTER TABLE public.orders ENABLE ROW LEVEL SECURITY;
CREATE POLICY "orders are private" ON public.orders FOR SELECT USING (false);
COMMENT ON POLICY "orders are private" ON public.orders IS 'only the service reads orders';
CREATE TRIGGER orders_touch BEFORE UPDATE ON public.orders
  FOR EACH ROW EXECUTE FUNCTION public.touch();
COMMENT ON TRIGGER orders_touch ON public.orders IS 'keeps updated_at';
