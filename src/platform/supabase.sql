-- The Supabase stand-in: what `platform supabase;` lets a schema assume.
--
-- Schemas written for Supabase call auth.uid(), reference auth.users and
-- storage.objects, and grant to anon/authenticated/service_role.  A plain
-- PostgreSQL 15 has none of these, so this file supplies just enough of them,
-- with the same names, types and NULL behaviour, for such a schema to apply,
-- verify and run its access tests outside Supabase.  It is not Supabase: no
-- GoTrue, no storage API, and only the columns a schema is likely to touch.
--
-- Install with: psql -v ON_ERROR_STOP=1 -1 -f supabase.sql
-- It may be run in several databases of one cluster (roles are cluster-wide,
-- so they are created only when missing) and again in the same database.

-- ---------------------------------------------------------------- roles

-- CREATE ROLE has no IF NOT EXISTS; a second database of the cluster already
-- has them.  Attributes are (re)asserted so a role found in another state is
-- brought back to the one Supabase gives it.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon') THEN
    CREATE ROLE anon NOLOGIN NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN
    CREATE ROLE authenticated NOLOGIN NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role') THEN
    CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS;
  END IF;
  -- The platform's own services, which migrations grant to (an auth hook
  -- runs as supabase_auth_admin); here they only need to exist.
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'postgres') THEN
    CREATE ROLE postgres NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticator') THEN
    CREATE ROLE authenticator NOLOGIN NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'supabase_auth_admin') THEN
    CREATE ROLE supabase_auth_admin NOLOGIN NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'supabase_storage_admin') THEN
    CREATE ROLE supabase_storage_admin NOLOGIN NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dashboard_user') THEN
    CREATE ROLE dashboard_user NOLOGIN;
  END IF;
END
$$;

-- Supabase's service key skips row-level security; tests rely on that.
ALTER ROLE service_role BYPASSRLS;

-- ---------------------------------------------------------------- schemas

CREATE SCHEMA IF NOT EXISTS auth;
CREATE SCHEMA IF NOT EXISTS storage;
-- Supabase installs extensions here rather than in public.
CREATE SCHEMA IF NOT EXISTS extensions;
-- pg_graphql's schemas (the extension itself is not Debian's: its schemas
-- are here so that migrations granting on them apply), and Vault's.
CREATE SCHEMA IF NOT EXISTS graphql;
CREATE SCHEMA IF NOT EXISTS graphql_public;
CREATE SCHEMA IF NOT EXISTS vault;

GRANT USAGE ON SCHEMA auth, storage, extensions, graphql, graphql_public
  TO anon, authenticated, service_role;

-- Supabase's search path: an unqualified uuid_generate_v4() or
-- gen_random_bytes() finds the extensions below, as on Supabase.  Set for
-- this session (what runs next in it: the schema's own statements) and for
-- the sessions to come; a role that does not own the database keeps its
-- own path for those (as a Supabase project's roles carry it themselves).
SET search_path = "$user", public, extensions;
DO $$
BEGIN
  EXECUTE format('ALTER DATABASE %I SET search_path = "$user", public, extensions',
                 current_database());
EXCEPTION WHEN insufficient_privilege THEN
  NULL;
END
$$;

-- ---------------------------------------------------------------- extensions

-- Preinstalled on every Supabase project, in schema extensions.  (Supabase
-- has pgjwt there too; Debian's PostgreSQL does not ship it, and the
-- compiler does not assume it.)
CREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA extensions;
CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA extensions;
CREATE EXTENSION IF NOT EXISTS pg_stat_statements WITH SCHEMA extensions;

-- ---------------------------------------------------------------- auth

-- PostgREST puts the verified JWT claims into the transaction-local setting
-- request.jwt.claims.  current_setting(..., true) gives NULL when the
-- setting was never defined and '' once it was defined and reset, so both
-- count as "no request": the functions then return NULL, which makes
-- `owner = auth.uid()` false rather than an error, as on Supabase.
CREATE OR REPLACE FUNCTION auth.jwt() RETURNS jsonb
  LANGUAGE sql STABLE
AS $$
  SELECT nullif(current_setting('request.jwt.claims', true), '')::jsonb
$$;

CREATE OR REPLACE FUNCTION auth.uid() RETURNS uuid
  LANGUAGE sql STABLE
AS $$
  SELECT nullif(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub', '')::uuid
$$;

CREATE OR REPLACE FUNCTION auth.role() RETURNS text
  LANGUAGE sql STABLE
AS $$
  SELECT nullif(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role', '')
$$;

CREATE OR REPLACE FUNCTION auth.email() RETURNS text
  LANGUAGE sql STABLE
AS $$
  SELECT nullif(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email', '')
$$;

GRANT EXECUTE ON FUNCTION auth.jwt(), auth.uid(), auth.role(), auth.email()
  TO anon, authenticated, service_role;

-- The table profiles and the like point their foreign keys at.  Columns are
-- a subset of GoTrue's, with its types; id has no default because GoTrue
-- assigns it, so tests insert users with the ids their JWT claims carry.
CREATE TABLE IF NOT EXISTS auth.users (
  instance_id uuid,
  id uuid PRIMARY KEY,
  aud varchar(255),
  role varchar(255),
  email text,
  phone text UNIQUE,
  encrypted_password varchar(255),
  email_confirmed_at timestamptz,
  phone_confirmed_at timestamptz,
  last_sign_in_at timestamptz,
  raw_app_meta_data jsonb,
  raw_user_meta_data jsonb,
  is_super_admin boolean,
  is_anonymous boolean NOT NULL DEFAULT false,
  banned_until timestamptz,
  created_at timestamptz DEFAULT now(),
  updated_at timestamptz DEFAULT now(),
  deleted_at timestamptz
);

-- GoTrue's record of its own migrations (remote_schema dumps revoke on it).
CREATE TABLE IF NOT EXISTS auth.schema_migrations (
  version varchar(255) PRIMARY KEY
);

-- ---------------------------------------------------------------- storage

-- A bucket declared in the schema language becomes a row here.
CREATE TABLE IF NOT EXISTS storage.buckets (
  id text PRIMARY KEY,
  name text NOT NULL UNIQUE,
  owner uuid,
  public boolean DEFAULT false,
  file_size_limit bigint,
  allowed_mime_types text[],
  created_at timestamptz DEFAULT now(),
  updated_at timestamptz DEFAULT now()
);

-- Bucket policies are policies on this table, so it must exist with RLS on
-- for them to be created and tested.
CREATE TABLE IF NOT EXISTS storage.objects (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  bucket_id text REFERENCES storage.buckets (id),
  name text,
  owner uuid,
  metadata jsonb,
  path_tokens text[] GENERATED ALWAYS AS (string_to_array(name, '/')) STORED,
  version text,
  created_at timestamptz DEFAULT now(),
  updated_at timestamptz DEFAULT now(),
  last_accessed_at timestamptz DEFAULT now()
);

-- Supabase's unique key on an object's path within its bucket.
CREATE UNIQUE INDEX IF NOT EXISTS bucketid_objname
  ON storage.objects (bucket_id, name);

ALTER TABLE storage.buckets ENABLE ROW LEVEL SECURITY;
ALTER TABLE storage.objects ENABLE ROW LEVEL SECURITY;

-- As on Supabase, the API roles hold every privilege and RLS alone decides.
GRANT ALL ON storage.buckets, storage.objects
  TO anon, authenticated, service_role;

-- The helpers bucket policies use.  Same results as Supabase's plpgsql
-- versions ('a/b/c.png' -> {a,b}, 'c.png', 'png'; a name without '/' has no
-- folders), written in SQL so the planner can inline them in policies.
CREATE OR REPLACE FUNCTION storage.foldername(name text) RETURNS text[]
  LANGUAGE sql IMMUTABLE
AS $$
  SELECT (string_to_array(name, '/'))[1:array_length(string_to_array(name, '/'), 1) - 1]
$$;

CREATE OR REPLACE FUNCTION storage.filename(name text) RETURNS text
  LANGUAGE sql IMMUTABLE
AS $$
  SELECT (string_to_array(name, '/'))[array_length(string_to_array(name, '/'), 1)]
$$;

CREATE OR REPLACE FUNCTION storage.extension(name text) RETURNS text
  LANGUAGE sql IMMUTABLE
AS $$
  SELECT reverse(split_part(reverse(storage.filename(name)), '.', 1))
$$;

-- What the storage API is doing ('storage.operation' set per request).
CREATE OR REPLACE FUNCTION storage.operation() RETURNS text
  LANGUAGE sql STABLE
AS $$
  SELECT current_setting('storage.operation', true)
$$;

GRANT EXECUTE ON FUNCTION storage.foldername(text), storage.filename(text),
  storage.extension(text), storage.operation()
  TO anon, authenticated, service_role;

-- ---------------------------------------------------------------- vault

-- Supabase Vault's secrets, with its names and signatures.  The stand-in
-- does not encrypt: decrypted_secret is the secret as stored, which is
-- what a schema's functions and tests see on Supabase too.
CREATE TABLE IF NOT EXISTS vault.secrets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text,
  description text NOT NULL DEFAULT '',
  secret text NOT NULL,
  key_id uuid,
  nonce bytea,
  created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX IF NOT EXISTS secrets_name_idx
  ON vault.secrets (name) WHERE name IS NOT NULL;

CREATE OR REPLACE VIEW vault.decrypted_secrets AS
  SELECT id, name, description, secret, secret AS decrypted_secret, key_id,
         nonce, created_at, updated_at
  FROM vault.secrets;

CREATE OR REPLACE FUNCTION vault.create_secret(new_secret text,
    new_name text DEFAULT NULL, new_description text DEFAULT '',
    new_key_id uuid DEFAULT NULL) RETURNS uuid
  LANGUAGE sql SECURITY DEFINER SET search_path = ''
AS $$
  INSERT INTO vault.secrets (secret, name, description, key_id)
  VALUES (new_secret, new_name, new_description, new_key_id)
  RETURNING id
$$;

CREATE OR REPLACE FUNCTION vault.update_secret(secret_id uuid,
    new_secret text DEFAULT NULL, new_name text DEFAULT NULL,
    new_description text DEFAULT NULL, new_key_id uuid DEFAULT NULL)
    RETURNS void
  LANGUAGE sql SECURITY DEFINER SET search_path = ''
AS $$
  UPDATE vault.secrets
     SET secret = coalesce(new_secret, secret),
         name = coalesce(new_name, name),
         description = coalesce(new_description, description),
         key_id = coalesce(new_key_id, key_id),
         updated_at = CURRENT_TIMESTAMP
   WHERE id = secret_id
$$;

-- As on Supabase, the API roles have no way into the vault; the service
-- key and the platform's own roles do.
REVOKE ALL ON FUNCTION vault.create_secret(text, text, text, uuid),
  vault.update_secret(uuid, text, text, text, uuid) FROM PUBLIC;
GRANT USAGE ON SCHEMA vault TO service_role;
GRANT SELECT, DELETE ON vault.secrets, vault.decrypted_secrets TO service_role;
GRANT EXECUTE ON FUNCTION vault.create_secret(text, text, text, uuid),
  vault.update_secret(uuid, text, text, text, uuid) TO service_role;

-- Supabase Realtime's publication, empty: a schema gives it tables
-- (`publication supabase_realtime { table ...; }`).
-- (Quietly: a server without wal_level = logical warns, and that is the
-- stand-in's business, not the schema's.)
DO $$
DECLARE
  level text := current_setting('client_min_messages');
BEGIN
  IF NOT EXISTS (SELECT FROM pg_publication
                 WHERE pubname = 'supabase_realtime') THEN
    PERFORM set_config('client_min_messages', 'error', true);
    CREATE PUBLICATION supabase_realtime;
    PERFORM set_config('client_min_messages', level, true);
  END IF;
END
$$;
