-- Clinic, written by hand: the reference that schemac's output for schema/
-- is compared against with `pg_dump --schema-only`.  Constraints and indexes
-- the DSL leaves unnamed are unnamed here too, so PostgreSQL picks their
-- names.
--
-- Apply after src/platform/supabase.sql (auth.uid(), auth.jwt(), auth.users
-- and the roles anon, authenticated and service_role), on a fresh database:
--   psql -v ON_ERROR_STOP=1 -1 -f handwritten.sql

-- ============================================================================
-- Schema and types
-- ============================================================================

CREATE SCHEMA private;
GRANT USAGE ON SCHEMA private TO authenticated, service_role;
COMMENT ON SCHEMA private IS 'Helpers for access rules; not exposed through the API';

CREATE TYPE public.member_role AS ENUM ('owner', 'admin', 'clinician', 'receptionist');
COMMENT ON TYPE public.member_role IS 'Role of a user in an organisation, most powerful first';

CREATE TYPE public.appointment_status AS ENUM ('scheduled', 'checked_in', 'completed', 'cancelled', 'no_show');
COMMENT ON TYPE public.appointment_status IS 'Where an appointment stands';

-- ============================================================================
-- Helpers
-- ============================================================================

CREATE FUNCTION private.set_updated_at() RETURNS trigger
  LANGUAGE plpgsql
AS $$
begin
  new.updated_at := now();
  return new;
end;
$$;
COMMENT ON FUNCTION private.set_updated_at() IS 'Trigger function: sets updated_at on every update';

-- The caller's organisation, from the JWT's app_metadata.
CREATE FUNCTION private.current_organisation_id() RETURNS uuid
  LANGUAGE sql STABLE
AS $$ select nullif(auth.jwt() -> 'app_metadata' ->> 'organisation_id', '')::uuid $$;
GRANT EXECUTE ON FUNCTION private.current_organisation_id() TO authenticated, service_role;
COMMENT ON FUNCTION private.current_organisation_id() IS 'The organisation the caller''s JWT is issued for, or NULL';

-- ============================================================================
-- organisations and members
-- ============================================================================

CREATE TABLE public.organisations (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9-]+$'),
  created_by  uuid REFERENCES auth.users (id) ON DELETE SET NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE public.organisations IS 'A practice: the tenant every other row belongs to';
COMMENT ON COLUMN public.organisations.slug IS 'URL-safe identifier, shown in links';
COMMENT ON COLUMN public.organisations.created_at IS 'When the row was created';
COMMENT ON COLUMN public.organisations.updated_at IS 'When the row was last changed';
CREATE INDEX ON public.organisations (created_by);
CREATE TRIGGER set_updated_at BEFORE UPDATE ON public.organisations
  FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();
GRANT SELECT, UPDATE ON public.organisations TO authenticated;
GRANT SELECT (id, name, slug) ON public.organisations TO anon;
GRANT ALL ON public.organisations TO service_role;

CREATE TABLE public.members (
  organisation_id  uuid NOT NULL REFERENCES public.organisations (id) ON DELETE CASCADE,
  user_id          uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
  role             public.member_role NOT NULL DEFAULT 'clinician',
  joined_at        timestamptz NOT NULL DEFAULT now(),
  -- also the index of the organisation_id foreign key
  PRIMARY KEY (organisation_id, user_id)
);
COMMENT ON TABLE public.members IS 'Who works at which organisation, and as what';
CREATE INDEX ON public.members (user_id);
GRANT SELECT, INSERT, UPDATE, DELETE ON public.members TO authenticated;
GRANT ALL ON public.members TO service_role;

-- Reads public.members, which is itself under RLS: security definer, with an
-- empty search_path so nothing can be slipped in ahead of the real objects.
CREATE FUNCTION private.has_role(p_role public.member_role) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = ''
AS $$
    select exists (
      select 1
        from public.members m
       where m.organisation_id = private.current_organisation_id()
         and m.user_id = auth.uid()
         and m.role <= p_role
    )
  $$;
REVOKE EXECUTE ON FUNCTION private.has_role(public.member_role) FROM PUBLIC, anon;
GRANT EXECUTE ON FUNCTION private.has_role(public.member_role) TO authenticated, service_role;
COMMENT ON FUNCTION private.has_role(public.member_role) IS 'Does the caller hold p_role, or a stronger one, in their organisation?';

ALTER TABLE public.organisations ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Members can view their organisation" ON public.organisations
  FOR SELECT TO authenticated
  USING (id = private.current_organisation_id());
CREATE POLICY "Owners can update their organisation" ON public.organisations
  FOR UPDATE TO authenticated
  USING (id = private.current_organisation_id() AND private.has_role('owner'))
  WITH CHECK (id = private.current_organisation_id());
CREATE POLICY "Anyone can look up an organisation by slug" ON public.organisations
  FOR SELECT TO anon
  USING (true);

ALTER TABLE public.members ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Members can view their colleagues" ON public.members
  FOR SELECT TO authenticated
  USING (organisation_id = private.current_organisation_id());
CREATE POLICY "Admins can add members" ON public.members
  FOR INSERT TO authenticated
  WITH CHECK (organisation_id = private.current_organisation_id() AND private.has_role('admin'));
CREATE POLICY "Admins can change members" ON public.members
  FOR UPDATE TO authenticated
  USING (organisation_id = private.current_organisation_id() AND private.has_role('admin'))
  WITH CHECK (organisation_id = private.current_organisation_id());
CREATE POLICY "Owners can remove members" ON public.members
  FOR DELETE TO authenticated
  USING (organisation_id = private.current_organisation_id() AND private.has_role('owner'));

-- ============================================================================
-- Tenant tables: each has the same four policies, named after its rows
-- ============================================================================

CREATE TABLE public.patients (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id        uuid NOT NULL REFERENCES public.organisations (id) ON DELETE CASCADE,
  medical_record_number  text NOT NULL,
  full_name              text NOT NULL,
  date_of_birth          date NOT NULL CHECK (date_of_birth > '1900-01-01'),
  email                  text,
  phone                  text,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  -- also the index of the organisation_id foreign key
  UNIQUE (organisation_id, medical_record_number),
  -- the target of the (organisation_id, patient_id) foreign keys below
  UNIQUE (organisation_id, id)
);
COMMENT ON TABLE public.patients IS 'A person the practice treats';
COMMENT ON COLUMN public.patients.medical_record_number IS 'The practice''s own patient number';
COMMENT ON COLUMN public.patients.created_at IS 'When the row was created';
COMMENT ON COLUMN public.patients.updated_at IS 'When the row was last changed';
CREATE INDEX ON public.patients (organisation_id, lower(full_name));
CREATE TRIGGER set_updated_at BEFORE UPDATE ON public.patients
  FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();
ALTER TABLE public.patients ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Members can view patients" ON public.patients
  FOR SELECT TO authenticated
  USING (organisation_id = private.current_organisation_id());
CREATE POLICY "Members can add patients" ON public.patients
  FOR INSERT TO authenticated
  WITH CHECK (organisation_id = private.current_organisation_id());
CREATE POLICY "Members can change patients" ON public.patients
  FOR UPDATE TO authenticated
  USING (organisation_id = private.current_organisation_id())
  WITH CHECK (organisation_id = private.current_organisation_id());
CREATE POLICY "Admins can remove patients" ON public.patients
  FOR DELETE TO authenticated
  USING (organisation_id = private.current_organisation_id() AND private.has_role('admin'));
GRANT SELECT, INSERT, UPDATE, DELETE ON public.patients TO authenticated;
GRANT ALL ON public.patients TO service_role;

CREATE TABLE public.appointments (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id  uuid NOT NULL REFERENCES public.organisations (id) ON DELETE CASCADE,
  patient_id       uuid NOT NULL,
  clinician_id     uuid REFERENCES auth.users (id) ON DELETE SET NULL,
  starts_at        timestamptz NOT NULL,
  ends_at          timestamptz NOT NULL,
  status           public.appointment_status NOT NULL DEFAULT 'scheduled',
  reason           text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_at > starts_at),
  -- the patient must belong to the same organisation
  FOREIGN KEY (organisation_id, patient_id)
    REFERENCES public.patients (organisation_id, id) ON DELETE CASCADE
);
COMMENT ON TABLE public.appointments IS 'A booked visit of a patient';
COMMENT ON COLUMN public.appointments.created_at IS 'When the row was created';
COMMENT ON COLUMN public.appointments.updated_at IS 'When the row was last changed';
-- the agenda; also the index of the organisation_id foreign key
CREATE INDEX ON public.appointments (organisation_id, starts_at);
CREATE INDEX ON public.appointments (organisation_id, patient_id);
CREATE INDEX ON public.appointments (clinician_id, starts_at);
CREATE TRIGGER set_updated_at BEFORE UPDATE ON public.appointments
  FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();
ALTER TABLE public.appointments ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Members can view appointments" ON public.appointments
  FOR SELECT TO authenticated
  USING (organisation_id = private.current_organisation_id());
CREATE POLICY "Members can add appointments" ON public.appointments
  FOR INSERT TO authenticated
  WITH CHECK (organisation_id = private.current_organisation_id());
CREATE POLICY "Members can change appointments" ON public.appointments
  FOR UPDATE TO authenticated
  USING (organisation_id = private.current_organisation_id())
  WITH CHECK (organisation_id = private.current_organisation_id());
CREATE POLICY "Admins can remove appointments" ON public.appointments
  FOR DELETE TO authenticated
  USING (organisation_id = private.current_organisation_id() AND private.has_role('admin'));
GRANT SELECT, INSERT, UPDATE, DELETE ON public.appointments TO authenticated;
GRANT ALL ON public.appointments TO service_role;

CREATE TABLE public.notes (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id  uuid NOT NULL REFERENCES public.organisations (id) ON DELETE CASCADE,
  patient_id       uuid NOT NULL,
  appointment_id   uuid REFERENCES public.appointments (id) ON DELETE SET NULL,
  author_id        uuid NOT NULL DEFAULT auth.uid() REFERENCES auth.users (id) ON DELETE RESTRICT,
  body             text NOT NULL CHECK (char_length(body) > 0),
  is_private       boolean NOT NULL DEFAULT false,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (organisation_id, patient_id)
    REFERENCES public.patients (organisation_id, id) ON DELETE CASCADE
);
COMMENT ON TABLE public.notes IS 'Clinical notes about a patient';
COMMENT ON COLUMN public.notes.is_private IS 'Private notes are visible to their author only';
COMMENT ON COLUMN public.notes.created_at IS 'When the row was created';
COMMENT ON COLUMN public.notes.updated_at IS 'When the row was last changed';
CREATE INDEX ON public.notes (organisation_id, patient_id, created_at DESC);
CREATE INDEX ON public.notes (appointment_id);
CREATE INDEX ON public.notes (author_id);
CREATE TRIGGER set_updated_at BEFORE UPDATE ON public.notes
  FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();
ALTER TABLE public.notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Members can view clinical notes" ON public.notes
  FOR SELECT TO authenticated
  USING (organisation_id = private.current_organisation_id());
CREATE POLICY "Members can add clinical notes" ON public.notes
  FOR INSERT TO authenticated
  WITH CHECK (organisation_id = private.current_organisation_id());
CREATE POLICY "Members can change clinical notes" ON public.notes
  FOR UPDATE TO authenticated
  USING (organisation_id = private.current_organisation_id())
  WITH CHECK (organisation_id = private.current_organisation_id());
CREATE POLICY "Admins can remove clinical notes" ON public.notes
  FOR DELETE TO authenticated
  USING (organisation_id = private.current_organisation_id() AND private.has_role('admin'));
CREATE POLICY "Private notes stay with their author" ON public.notes
  AS RESTRICTIVE
  FOR SELECT TO authenticated
  USING (NOT is_private OR author_id = auth.uid());
GRANT SELECT, INSERT, UPDATE, DELETE ON public.notes TO authenticated;
GRANT ALL ON public.notes TO service_role;

-- ============================================================================
-- API
-- ============================================================================

CREATE VIEW public.upcoming_appointments WITH (security_invoker = true) AS
  SELECT a.id,
         a.organisation_id,
         a.starts_at,
         a.ends_at,
         a.status,
         p.full_name AS patient_name,
         a.clinician_id
    FROM public.appointments a
    JOIN public.patients p ON p.id = a.patient_id
   WHERE a.starts_at >= now()
     AND a.status = 'scheduled';
COMMENT ON VIEW public.upcoming_appointments IS 'Scheduled appointments from now on, under the caller''s policies';
GRANT SELECT ON public.upcoming_appointments TO authenticated;
GRANT SELECT ON public.upcoming_appointments TO service_role;

CREATE FUNCTION public.patient_appointments(p_patient_id uuid) RETURNS SETOF public.appointments
  LANGUAGE sql STABLE
AS $$
    select *
      from public.appointments
     where patient_id = p_patient_id
     order by starts_at
  $$;
GRANT EXECUTE ON FUNCTION public.patient_appointments(uuid) TO authenticated;
COMMENT ON FUNCTION public.patient_appointments(uuid) IS 'Appointments of one patient, oldest first; RLS applies';

-- Creating an organisation also makes the caller its owner, which the
-- caller's own policies would not allow: security definer.
CREATE FUNCTION public.create_organisation(p_name text, p_slug text) RETURNS uuid
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = ''
AS $$
declare
  v_id uuid;
begin
  if auth.uid() is null then
    raise exception 'not signed in';
  end if;
  insert into public.organisations (name, slug, created_by)
  values (p_name, p_slug, auth.uid())
  returning id into v_id;
  insert into public.members (organisation_id, user_id, role)
  values (v_id, auth.uid(), 'owner');
  return v_id;
end;
$$;
REVOKE EXECUTE ON FUNCTION public.create_organisation(text, text) FROM PUBLIC, anon;
GRANT EXECUTE ON FUNCTION public.create_organisation(text, text) TO authenticated;
COMMENT ON FUNCTION public.create_organisation(text, text) IS 'Create an organisation owned by the caller; returns its id';
