-- The plans of schema/, written by hand as a seed migration would.
--
-- Apply to a fresh database:  psql -v ON_ERROR_STOP=1 -1 -f handwritten.sql

CREATE TYPE public.tier AS ENUM ('free', 'pro', 'team');

CREATE TABLE public.plans (
  id int PRIMARY KEY,
  name text NOT NULL,
  tier public.tier NOT NULL,
  price numeric(10, 2) NOT NULL DEFAULT 0,
  note text
);

CREATE TABLE public.features (
  plan_id int REFERENCES public.plans (id),
  code text,
  enabled boolean NOT NULL DEFAULT true,
  PRIMARY KEY (plan_id, code)
);

CREATE TABLE public.settings (
  key text PRIMARY KEY,
  value jsonb NOT NULL
);

CREATE TABLE public.events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL
);

INSERT INTO public.plans (id, name, tier, price) VALUES
  (1, 'Free', 'free', 0), (2, 'Pro', 'pro', 10.50), (3, 'Team''s', 'team', 30);
INSERT INTO public.features VALUES (1, 'export', false), (2, 'export', true),
  (3, 'sso', true);
INSERT INTO public.settings VALUES
  ('theme', '{"accent": "teal", "dark": true}'),
  ('limits', '{"uploads": 10}');
INSERT INTO public.events (id, name) OVERRIDING SYSTEM VALUE VALUES (1, 'launch');
