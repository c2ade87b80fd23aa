-- The platform case, written by hand as a Supabase migration would: the
-- extensions are Supabase's (installed by src/platform/supabase.sql, in
-- schema extensions, with extensions on the search path).
CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA extensions;

-- The role first: the schema's default privileges name it.
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_reader') THEN
    CREATE ROLE app_reader NOLOGIN;
  END IF;
END $$;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO app_reader;

CREATE TYPE public.mood AS ENUM ('happy', 'sad');

CREATE TABLE public.profiles (
  id uuid PRIMARY KEY REFERENCES auth.users (id) ON DELETE CASCADE,
  email text,
  api_key text NOT NULL DEFAULT encode(gen_random_bytes(16), 'hex'),
  invite uuid DEFAULT extensions.uuid_generate_v4(),
  mood public.mood
);
ALTER TABLE public.profiles ENABLE ROW LEVEL SECURITY;
CREATE POLICY "profiles are their owners'" ON public.profiles FOR SELECT
  TO authenticated USING (id = (SELECT auth.uid()));

CREATE TABLE public.tags (name text UNIQUE, PRIMARY KEY (name));

CREATE FUNCTION public.handle_new_user() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
AS $$ begin
    insert into public.profiles (id, email) values (new.id, new.email);
    return new;
  end $$;
REVOKE EXECUTE ON FUNCTION public.handle_new_user() FROM PUBLIC, anon, authenticated;

CREATE FUNCTION public.cheer(m mood) RETURNS text
  LANGUAGE sql IMMUTABLE
AS $$ select case m when 'happy' then 'yay' else 'there there' end $$;
GRANT EXECUTE ON FUNCTION public.cheer(mood) TO authenticated;

CREATE TRIGGER on_auth_user_created AFTER INSERT ON auth.users
  FOR EACH ROW EXECUTE FUNCTION public.handle_new_user();
CREATE POLICY "users read themselves" ON auth.users FOR SELECT
  TO authenticated USING (id = (SELECT auth.uid()));
GRANT SELECT (id, email) ON auth.users TO authenticated;
COMMENT ON TABLE auth.users IS 'Supabase users';

CREATE POLICY "avatars are public" ON storage.objects FOR SELECT
  USING (bucket_id = 'avatars');
CREATE POLICY "an owner's file types" ON storage.objects FOR INSERT
  TO authenticated WITH CHECK (owner = (SELECT auth.uid())
                               AND storage.extension(name) IN ('png', 'jpg'));

CREATE VIEW public.my_files WITH (security_invoker = true) AS
  SELECT storage.filename(o.name) AS file, storage.extension(o.name) AS ext,
         storage.foldername(o.name) AS folders
    FROM storage.objects o;
GRANT SELECT ON public.my_files TO authenticated;

-- PostgreSQL cuts these names to 63 bytes itself (with a NOTICE).
CREATE TABLE public.an_audit_trail_of_every_change_made_to_the_profiles_of_users_x (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  CONSTRAINT an_audit_trail_entry_must_have_a_positive_identifier_at_all_times
    CHECK (id > 0)
);
ALTER TABLE public.an_audit_trail_of_every_change_made_to_the_profiles_of_users_x
  ENABLE ROW LEVEL SECURITY;
CREATE POLICY "only the service role reads the audit trail of the profiles of users"
  ON public.an_audit_trail_of_every_change_made_to_the_profiles_of_users_x
  FOR SELECT TO service_role USING (true);

GRANT USAGE ON SCHEMA storage TO app_reader;
GRANT SELECT ON storage.buckets TO app_reader;
GRANT EXECUTE ON FUNCTION auth.uid() TO app_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO app_reader;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO service_role;

ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO app_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE app_reader GRANT SELECT ON TABLES TO authenticated;
