-- The vault case, written by hand as the Supabase migration would.
CREATE TABLE public.profiles (
  user_id uuid PRIMARY KEY REFERENCES auth.users (id) ON DELETE CASCADE,
  is_staff boolean DEFAULT false,
  refresh_token uuid REFERENCES vault.secrets (id)
);
CREATE INDEX ON public.profiles (refresh_token);
ALTER TABLE public.profiles ENABLE ROW LEVEL SECURITY;
CREATE POLICY "only the auth admin reads profiles" ON public.profiles
  FOR SELECT TO supabase_auth_admin USING (true);
GRANT SELECT, INSERT, UPDATE ON public.profiles TO supabase_auth_admin;

CREATE FUNCTION public.store_token(p_user uuid, p_token text) RETURNS uuid
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = ''
AS $$
  declare
    id uuid := vault.create_secret(p_token, 'token of ' || p_user::text);
  begin
    update public.profiles set refresh_token = id where user_id = p_user;
    return id;
  end $$;
REVOKE EXECUTE ON FUNCTION public.store_token(uuid, text)
  FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.store_token(uuid, text)
  TO supabase_auth_admin, service_role;

CREATE FUNCTION public.token_of(p_user uuid) RETURNS text
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$ select s.decrypted_secret from vault.decrypted_secrets s
          join public.profiles p on p.refresh_token = s.id
         where p.user_id = p_user $$;
REVOKE EXECUTE ON FUNCTION public.token_of(uuid) FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.token_of(uuid) TO service_role;
