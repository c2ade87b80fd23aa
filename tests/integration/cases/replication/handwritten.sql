-- The chat app of schema/, written by hand as a migration would: tables,
-- then publications listing their tables, then replica identities.
--
-- Apply to a fresh database (after the Supabase stand-in):
--   psql -v ON_ERROR_STOP=1 -1 -f handwritten.sql

CREATE TABLE public.rooms (
  id bigint PRIMARY KEY,
  name text NOT NULL
);

CREATE TABLE public.messages (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  room_id bigint NOT NULL REFERENCES public.rooms (id),
  body text,
  hidden boolean NOT NULL DEFAULT false,
  code text NOT NULL
);
CREATE INDEX ON public.messages (room_id);
CREATE UNIQUE INDEX messages_code ON public.messages (code);

CREATE TABLE public.reactions (
  message_id bigint NOT NULL REFERENCES public.messages (id),
  emoji text NOT NULL
);

ALTER TABLE public.rooms REPLICA IDENTITY FULL;
ALTER TABLE public.messages REPLICA IDENTITY USING INDEX messages_code;
ALTER TABLE public.reactions REPLICA IDENTITY NOTHING;

ALTER PUBLICATION supabase_realtime
  ADD TABLE public.messages (id, room_id, body, code) WHERE (code <> 'draft'),
            public.rooms;

CREATE PUBLICATION audit_feed FOR TABLE public.messages, public.reactions
  WITH (publish = 'insert');
COMMENT ON PUBLICATION audit_feed IS 'inserts, for the audit service';

CREATE PUBLICATION everything FOR ALL TABLES WITH (publish = 'insert, truncate');
