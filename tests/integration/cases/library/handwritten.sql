-- Lending library, written by hand: the reference that schemac's output for
-- schema/ is compared against with `pg_dump --schema-only`.  Constraints and
-- indexes the DSL leaves unnamed are unnamed here too, so PostgreSQL picks
-- their names.
--
-- Apply to a fresh database:  psql -v ON_ERROR_STOP=1 -1 -f handwritten.sql

-- ============================================================================
-- Roles (cluster-wide, so only created when missing)
-- ============================================================================

DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'library_reader') THEN
    CREATE ROLE library_reader NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'library_patron') THEN
    CREATE ROLE library_patron NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'library_staff') THEN
    CREATE ROLE library_staff NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'library_manager') THEN
    CREATE ROLE library_manager NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'library_auditor') THEN
    CREATE ROLE library_auditor NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'library_app') THEN
    CREATE ROLE library_app LOGIN;
  END IF;
END
$$;

GRANT library_reader TO library_patron;
GRANT library_reader TO library_staff;
GRANT library_staff TO library_manager;
GRANT library_staff TO library_app;

COMMENT ON ROLE library_patron IS 'A card holder signed in at a terminal or on the web';
COMMENT ON ROLE library_manager IS 'Branch managers';

-- ============================================================================
-- Schemas
-- ============================================================================

CREATE SCHEMA library;
GRANT USAGE ON SCHEMA library TO library_reader, library_auditor;
ALTER DEFAULT PRIVILEGES IN SCHEMA library GRANT SELECT ON TABLES TO library_auditor;
-- for INSERT into serial columns (staff.id, copies.id)
ALTER DEFAULT PRIVILEGES IN SCHEMA library GRANT USAGE ON SEQUENCES TO library_staff;
COMMENT ON SCHEMA library IS 'Catalogue: branches, staff, authors, books and copies';

CREATE SCHEMA circulation;
GRANT USAGE ON SCHEMA circulation TO library_patron, library_staff, library_auditor;
ALTER DEFAULT PRIVILEGES IN SCHEMA circulation GRANT SELECT ON TABLES TO library_auditor;
-- for INSERT into the serial column loan_events.id
ALTER DEFAULT PRIVILEGES IN SCHEMA circulation GRANT USAGE ON SEQUENCES TO library_staff;
COMMENT ON SCHEMA circulation IS 'Patrons, loans, holds, fines and room bookings';

CREATE SCHEMA reporting;
GRANT USAGE ON SCHEMA reporting TO library_manager, library_auditor;
COMMENT ON SCHEMA reporting IS 'Aggregates for management';

-- The exclusion constraint on circulation.room_bookings needs integer = in GiST.
CREATE EXTENSION btree_gist;

-- ============================================================================
-- Types
-- ============================================================================

CREATE TYPE circulation.loan_status AS ENUM ('active', 'returned', 'lost', 'written_off');
COMMENT ON TYPE circulation.loan_status IS 'Life cycle of a loan';

CREATE DOMAIN library.isbn13 AS text
  CHECK (VALUE ~ '^97[89][0-9]{10}$');
COMMENT ON DOMAIN library.isbn13 IS 'An ISBN-13, digits only';

CREATE DOMAIN circulation.money_amount AS numeric(10, 2)
  DEFAULT 0
  CHECK (VALUE >= 0);
COMMENT ON DOMAIN circulation.money_amount IS 'A non-negative amount in the library''s currency';

CREATE TYPE library.postal_address AS (
  street   text,
  city     text,
  postcode varchar(10),
  country  char(2)
);
COMMENT ON TYPE library.postal_address IS 'Postal address of a branch';

-- ============================================================================
-- Functions the tables use
-- ============================================================================

CREATE FUNCTION library.touch_updated_at() RETURNS trigger
  LANGUAGE plpgsql
AS $$
begin
  new.updated_at := now();
  return new;
end;
$$;
COMMENT ON FUNCTION library.touch_updated_at() IS 'Trigger function: sets updated_at to the time of the update';

-- The caller's identity, set by the application per transaction:
--   SET LOCAL library.patron_id = '<uuid>';  SET LOCAL library.staff_id = '<int>';
CREATE FUNCTION circulation.current_patron_id() RETURNS uuid
  LANGUAGE sql STABLE
AS $$ select nullif(current_setting('library.patron_id', true), '')::uuid $$;
COMMENT ON FUNCTION circulation.current_patron_id() IS 'The patron the current transaction acts for, or NULL';

CREATE FUNCTION circulation.current_staff_id() RETURNS integer
  LANGUAGE sql STABLE
AS $$ select nullif(current_setting('library.staff_id', true), '')::integer $$;
COMMENT ON FUNCTION circulation.current_staff_id() IS 'The member of staff the current transaction acts for, or NULL';

CREATE FUNCTION library.normalize_isbn(raw text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ select regexp_replace(raw, '[^0-9]', '', 'g') $$;
COMMENT ON FUNCTION library.normalize_isbn(text) IS 'The digits of an ISBN, without hyphens or spaces';

-- ============================================================================
-- library: the catalogue
-- ============================================================================

CREATE TABLE library.branches (
  id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code        text COLLATE "C" NOT NULL UNIQUE CHECK (code ~ '^[A-Z]{3}[0-9]{2}$'),
  name        text NOT NULL,
  address     library.postal_address,
  manager_id  integer,          -- references library.staff, added below
  opened_on   date NOT NULL DEFAULT current_date,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE library.branches IS 'A library building';
COMMENT ON COLUMN library.branches.code IS 'Short code printed on spine labels, e.g. CEN01';
CREATE INDEX ON library.branches (manager_id);
CREATE TRIGGER branches_touch_updated_at BEFORE UPDATE ON library.branches
  FOR EACH ROW EXECUTE FUNCTION library.touch_updated_at();
GRANT SELECT ON library.branches TO library_reader;
GRANT SELECT, INSERT, UPDATE ON library.branches TO library_manager;

CREATE TABLE library.staff (
  id         serial PRIMARY KEY,
  branch_id  integer NOT NULL REFERENCES library.branches (id)
             ON DELETE RESTRICT ON UPDATE CASCADE DEFERRABLE,
  email      text NOT NULL,
  full_name  text NOT NULL,
  hired_on   date NOT NULL DEFAULT current_date,
  salary     numeric(10, 2) CHECK (salary > 0),
  is_active  boolean NOT NULL DEFAULT true
);
COMMENT ON TABLE library.staff IS 'Employees; each works at one branch';
COMMENT ON COLUMN library.staff.salary IS 'Annual gross salary';
CREATE UNIQUE INDEX ON library.staff (lower(email));
CREATE INDEX ON library.staff (branch_id) INCLUDE (full_name) WHERE is_active;
GRANT SELECT, INSERT, UPDATE, DELETE ON library.staff TO library_manager;
GRANT SELECT (id, branch_id, full_name, is_active) ON library.staff TO library_staff;
-- auditors get SELECT on every table by default, but not on salaries
REVOKE SELECT ON library.staff FROM library_auditor;
GRANT SELECT (id, branch_id, email, full_name, hired_on, is_active) ON library.staff TO library_auditor;

-- The other half of the branches <-> staff cycle; deferred so a branch and
-- its manager can be inserted in one transaction.
ALTER TABLE library.branches
  ADD FOREIGN KEY (manager_id) REFERENCES library.staff (id)
  ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED;

CREATE TABLE library.authors (
  id          bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  name        text NOT NULL,
  sort_name   text GENERATED ALWAYS AS (lower(name)) STORED,
  born        smallint,
  died        smallint,
  bio         text,
  bio_search  tsvector GENERATED ALWAYS AS (to_tsvector('english'::regconfig, coalesce(bio, ''))) STORED,
  CHECK (died IS NULL OR born IS NULL OR died >= born)
);
COMMENT ON TABLE library.authors IS 'Writers of books';
CREATE INDEX ON library.authors (sort_name text_pattern_ops);
CREATE INDEX ON library.authors USING gin (bio_search);
GRANT SELECT ON library.authors TO library_reader;
GRANT SELECT, INSERT, UPDATE, DELETE ON library.authors TO library_staff;

CREATE TABLE library.books (
  isbn            library.isbn13 PRIMARY KEY,
  title           text NOT NULL,
  subtitle        text,
  language        char(2) NOT NULL DEFAULT 'en',
  published_year  smallint CHECK (published_year BETWEEN 1450 AND 2100),
  metadata        jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE library.books IS 'A title in the catalogue, one row per ISBN';
COMMENT ON COLUMN library.books.language IS 'ISO 639-1 code';
CREATE INDEX ON library.books (title text_pattern_ops);
CREATE INDEX ON library.books USING gin (metadata jsonb_path_ops);
CREATE INDEX ON library.books (published_year DESC NULLS LAST) INCLUDE (title);
CREATE INDEX ON library.books ((metadata ->> 'publisher'));
CREATE TRIGGER books_touch_updated_at BEFORE UPDATE ON library.books
  FOR EACH ROW EXECUTE FUNCTION library.touch_updated_at();
GRANT SELECT ON library.books TO library_reader;
GRANT SELECT, INSERT, UPDATE, DELETE ON library.books TO library_staff;

CREATE TABLE library.book_authors (
  book_isbn  library.isbn13 REFERENCES library.books (isbn) ON DELETE CASCADE ON UPDATE CASCADE,
  author_id  bigint REFERENCES library.authors ON DELETE RESTRICT,
  position   smallint NOT NULL DEFAULT 1 CHECK (position > 0),
  PRIMARY KEY (book_isbn, author_id),
  UNIQUE (book_isbn, position)
);
COMMENT ON TABLE library.book_authors IS 'Who wrote which book';
COMMENT ON COLUMN library.book_authors.position IS 'Order of the author on the title page';
CREATE INDEX ON library.book_authors (author_id);
GRANT SELECT ON library.book_authors TO library_reader;
GRANT SELECT, INSERT, UPDATE, DELETE ON library.book_authors TO library_staff;

CREATE TABLE library.copies (
  id           bigserial PRIMARY KEY,
  book_isbn    library.isbn13 NOT NULL REFERENCES library.books ON UPDATE CASCADE,
  branch_id    integer NOT NULL REFERENCES library.branches (id) ON DELETE NO ACTION,
  barcode      text COLLATE "C" NOT NULL UNIQUE,
  acquired_on  date NOT NULL DEFAULT current_date,
  price        numeric(8, 2) CHECK (price >= 0),
  condition    text NOT NULL DEFAULT 'good'
               CHECK (condition IN ('new', 'good', 'worn', 'damaged')),
  CHECK (price < 10000)         -- copies_price_check1
);
COMMENT ON TABLE library.copies IS 'A physical copy of a book, shelved at one branch';
CREATE INDEX ON library.copies USING hash (book_isbn);
CREATE INDEX ON library.copies (branch_id) INCLUDE (barcode);
GRANT SELECT ON library.copies TO library_reader;
GRANT SELECT, INSERT, UPDATE, DELETE ON library.copies TO library_staff;

CREATE TABLE library.study_rooms (
  id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  branch_id  integer NOT NULL REFERENCES library.branches (id) ON DELETE CASCADE,
  name       text NOT NULL,
  capacity   integer NOT NULL CHECK (capacity BETWEEN 1 AND 40),
  UNIQUE (branch_id, name)
);
COMMENT ON TABLE library.study_rooms IS 'Rooms patrons can book';
GRANT SELECT ON library.study_rooms TO library_reader;
GRANT SELECT, INSERT, UPDATE, DELETE ON library.study_rooms TO library_manager;

-- Names made from this table are truncated to 63 bytes; both unique
-- constraints truncate to the same name, so the second becomes ..._key1.
CREATE TABLE library.interlibrary_transfer_requests_between_all_branches (
  id                                         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  copy_id                                    bigint NOT NULL REFERENCES library.copies (id) ON DELETE CASCADE,
  from_branch_id                             integer NOT NULL REFERENCES library.branches (id),
  to_branch_id                               integer NOT NULL REFERENCES library.branches (id),
  external_partner_reference_code_primary    text UNIQUE,
  external_partner_reference_code_secondary  text UNIQUE,
  requested_at                               timestamptz NOT NULL DEFAULT now(),
  CHECK (from_branch_id <> to_branch_id)
);
COMMENT ON TABLE library.interlibrary_transfer_requests_between_all_branches IS 'Copies on their way from one branch to another';
CREATE INDEX ON library.interlibrary_transfer_requests_between_all_branches (copy_id);
CREATE INDEX ON library.interlibrary_transfer_requests_between_all_branches (from_branch_id);
CREATE INDEX ON library.interlibrary_transfer_requests_between_all_branches (to_branch_id);
GRANT SELECT, INSERT, UPDATE, DELETE ON library.interlibrary_transfer_requests_between_all_branches TO library_staff;

CREATE FUNCTION library.books_by_author(p_author_id bigint) RETURNS SETOF library.books
  LANGUAGE sql STABLE
AS $$
    select b.*
      from library.books b
      join library.book_authors ba on ba.book_isbn = b.isbn
     where ba.author_id = p_author_id
     order by b.title
  $$;
GRANT EXECUTE ON FUNCTION library.books_by_author(bigint) TO library_reader;
COMMENT ON FUNCTION library.books_by_author(bigint) IS 'Every book an author wrote, by title';

-- ============================================================================
-- circulation
-- ============================================================================

CREATE TABLE circulation.patrons (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  card_number     text COLLATE "C" NOT NULL UNIQUE,
  email           text NOT NULL,
  full_name       text NOT NULL,
  home_branch_id  integer DEFAULT 1 REFERENCES library.branches (id) ON DELETE SET DEFAULT,
  date_of_birth   date CHECK (date_of_birth > '1900-01-01'),
  preferences     jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE circulation.patrons IS 'Card holders';
CREATE UNIQUE INDEX ON circulation.patrons (lower(email));
CREATE INDEX ON circulation.patrons (home_branch_id);
CREATE TRIGGER patrons_touch_updated_at BEFORE UPDATE ON circulation.patrons
  FOR EACH ROW EXECUTE FUNCTION library.touch_updated_at();
ALTER TABLE circulation.patrons ENABLE ROW LEVEL SECURITY;
ALTER TABLE circulation.patrons FORCE ROW LEVEL SECURITY;
CREATE POLICY "patrons see themselves" ON circulation.patrons
  FOR SELECT TO library_patron
  USING (id = circulation.current_patron_id());
CREATE POLICY "patrons update themselves" ON circulation.patrons
  FOR UPDATE TO library_patron
  USING (id = circulation.current_patron_id())
  WITH CHECK (id = circulation.current_patron_id());
CREATE POLICY "staff manage patrons" ON circulation.patrons
  FOR ALL TO library_staff
  USING (circulation.current_staff_id() IS NOT NULL)
  WITH CHECK (circulation.current_staff_id() IS NOT NULL);
GRANT SELECT ON circulation.patrons TO library_patron;
GRANT UPDATE (email, full_name, preferences) ON circulation.patrons TO library_patron;
GRANT SELECT, INSERT, UPDATE, DELETE ON circulation.patrons TO library_staff;

CREATE TABLE circulation.loans (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  copy_id      bigint NOT NULL REFERENCES library.copies (id) ON DELETE RESTRICT,
  patron_id    uuid NOT NULL REFERENCES circulation.patrons (id) ON DELETE CASCADE,
  issued_by    integer REFERENCES library.staff (id) ON DELETE SET NULL,
  status       circulation.loan_status NOT NULL DEFAULT 'active',
  loaned_at    timestamptz NOT NULL DEFAULT now(),
  due_at       timestamptz NOT NULL DEFAULT (now() + interval '21 days'),
  returned_at  timestamptz,
  CHECK (due_at > loaned_at),
  CHECK (returned_at IS NULL OR returned_at >= loaned_at)
);
COMMENT ON TABLE circulation.loans IS 'A copy lent to a patron';
COMMENT ON COLUMN circulation.loans.returned_at IS 'NULL while the copy is out';
-- a copy is out at most once at a time
CREATE UNIQUE INDEX ON circulation.loans (copy_id) WHERE returned_at IS NULL;
-- the foreign key's index: loans_copy_id_idx1, the name above being taken
CREATE INDEX ON circulation.loans (copy_id);
CREATE INDEX ON circulation.loans (patron_id, loaned_at DESC);
CREATE INDEX ON circulation.loans (issued_by) WHERE issued_by IS NOT NULL;
ALTER TABLE circulation.loans ENABLE ROW LEVEL SECURITY;
ALTER TABLE circulation.loans FORCE ROW LEVEL SECURITY;
CREATE POLICY "patrons read their loans" ON circulation.loans
  FOR SELECT TO library_patron
  USING (patron_id = circulation.current_patron_id());
CREATE POLICY "staff read loans" ON circulation.loans
  FOR SELECT TO library_staff
  USING (true);
CREATE POLICY "staff issue loans" ON circulation.loans
  FOR INSERT TO library_staff
  WITH CHECK (issued_by = circulation.current_staff_id());
CREATE POLICY "staff update loans" ON circulation.loans
  FOR UPDATE TO library_staff
  USING (true)
  WITH CHECK (issued_by IS NOT NULL);
CREATE POLICY "staff delete returned loans" ON circulation.loans
  FOR DELETE TO library_staff
  USING (returned_at IS NOT NULL);
CREATE POLICY "staff must identify themselves" ON circulation.loans
  AS RESTRICTIVE
  FOR ALL TO library_staff
  USING (circulation.current_staff_id() IS NOT NULL);
CREATE POLICY "keep a year of history" ON circulation.loans
  AS RESTRICTIVE
  FOR DELETE
  USING (returned_at < now() - interval '1 year');
GRANT SELECT ON circulation.loans TO library_patron;
GRANT SELECT, INSERT, UPDATE, DELETE ON circulation.loans TO library_staff;

CREATE TABLE circulation.holds (
  id                bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  patron_id         uuid NOT NULL REFERENCES circulation.patrons (id) ON DELETE CASCADE,
  book_isbn         library.isbn13 NOT NULL REFERENCES library.books (isbn) ON DELETE CASCADE,
  pickup_branch_id  integer NOT NULL REFERENCES library.branches (id),
  placed_at         timestamptz NOT NULL DEFAULT now(),
  closed_at         timestamptz,
  -- one open hold per patron and book; a NULL closed_at counts as equal
  UNIQUE NULLS NOT DISTINCT (patron_id, book_isbn, closed_at)
);
COMMENT ON TABLE circulation.holds IS 'A patron waiting for a title';
COMMENT ON COLUMN circulation.holds.closed_at IS 'Set when the hold is fulfilled or cancelled';
CREATE INDEX ON circulation.holds (book_isbn, placed_at) WHERE closed_at IS NULL;
CREATE INDEX ON circulation.holds (pickup_branch_id);
ALTER TABLE circulation.holds ENABLE ROW LEVEL SECURITY;
CREATE POLICY "patrons see their holds" ON circulation.holds
  FOR SELECT TO library_patron
  USING (patron_id = circulation.current_patron_id());
CREATE POLICY "patrons place holds" ON circulation.holds
  FOR INSERT TO library_patron
  WITH CHECK (patron_id = circulation.current_patron_id());
CREATE POLICY "patrons cancel their holds" ON circulation.holds
  FOR DELETE TO library_patron
  USING (patron_id = circulation.current_patron_id());
CREATE POLICY "staff manage holds" ON circulation.holds
  FOR ALL TO library_staff
  USING (true)
  WITH CHECK (true);
GRANT SELECT, INSERT, DELETE ON circulation.holds TO library_patron;
GRANT SELECT, INSERT, UPDATE, DELETE ON circulation.holds TO library_staff;

CREATE TABLE circulation.fines (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  loan_id      bigint NOT NULL REFERENCES circulation.loans (id) ON DELETE CASCADE,
  amount       circulation.money_amount NOT NULL CHECK (amount > 0),
  reason       text NOT NULL,
  assessed_at  timestamptz NOT NULL DEFAULT now(),
  paid_at      timestamptz,
  CHECK (paid_at IS NULL OR paid_at >= assessed_at)
);
COMMENT ON TABLE circulation.fines IS 'Money owed for a loan';
CREATE INDEX ON circulation.fines USING hash (loan_id);
GRANT SELECT, INSERT, UPDATE ON circulation.fines TO library_staff;

CREATE TABLE circulation.room_bookings (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  room_id    integer NOT NULL REFERENCES library.study_rooms (id) ON DELETE CASCADE,
  patron_id  uuid NOT NULL REFERENCES circulation.patrons (id) ON DELETE CASCADE,
  during     tstzrange NOT NULL CHECK (NOT isempty(during)),
  EXCLUDE USING gist (room_id WITH =, during WITH &&)
);
COMMENT ON TABLE circulation.room_bookings IS 'Study room reservations; bookings of a room may not overlap';
CREATE INDEX ON circulation.room_bookings (patron_id);
ALTER TABLE circulation.room_bookings ENABLE ROW LEVEL SECURITY;
CREATE POLICY "patrons see their bookings" ON circulation.room_bookings
  FOR SELECT TO library_patron
  USING (patron_id = circulation.current_patron_id());
CREATE POLICY "staff manage bookings" ON circulation.room_bookings
  FOR ALL TO library_staff
  USING (true);
GRANT SELECT ON circulation.room_bookings TO library_patron;
GRANT SELECT, INSERT, UPDATE, DELETE ON circulation.room_bookings TO library_staff;

-- Partitioned by year.  (No identity column on a partitioned table before
-- PostgreSQL 17, hence bigserial.)
CREATE TABLE circulation.loan_events (
  id           bigserial,
  loan_id      bigint NOT NULL REFERENCES circulation.loans (id) ON DELETE CASCADE,
  event        text NOT NULL CHECK (event IN ('issued', 'renewed', 'returned', 'lost')),
  occurred_at  timestamptz NOT NULL DEFAULT now(),
  details      jsonb,
  PRIMARY KEY (id, occurred_at)
) PARTITION BY RANGE (occurred_at);
COMMENT ON TABLE circulation.loan_events IS 'What happened to a loan, when';
CREATE TABLE circulation.loan_events_2024 PARTITION OF circulation.loan_events
  FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE circulation.loan_events_2025 PARTITION OF circulation.loan_events
  FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE circulation.loan_events_default PARTITION OF circulation.loan_events DEFAULT;
CREATE INDEX ON circulation.loan_events USING brin (occurred_at);
CREATE INDEX ON circulation.loan_events (loan_id);
CREATE INDEX ON circulation.loan_events USING gin (details);
GRANT SELECT, INSERT ON circulation.loan_events TO library_staff;

CREATE VIEW circulation.current_loans WITH (security_invoker = true) AS
  SELECT l.id AS loan_id,
         l.patron_id,
         c.barcode,
         b.title,
         l.loaned_at,
         l.due_at,
         l.due_at < now() AS is_overdue
    FROM circulation.loans l
    JOIN library.copies c ON c.id = l.copy_id
    JOIN library.books b ON b.isbn = c.book_isbn
   WHERE l.returned_at IS NULL;
COMMENT ON VIEW circulation.current_loans IS 'Loans not yet returned; rows are filtered by the caller''s policies';
GRANT SELECT ON circulation.current_loans TO library_patron, library_staff;

CREATE FUNCTION circulation.patron_loans(p_patron_id uuid)
  RETURNS TABLE (loan_id bigint, title text, due_at timestamptz, overdue boolean)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
AS $$
    select l.id, b.title, l.due_at, l.due_at < now()
      from circulation.loans l
      join library.copies c on c.id = l.copy_id
      join library.books b on b.isbn = c.book_isbn
     where l.patron_id = p_patron_id
       and l.returned_at is null
     order by l.due_at
  $$;
REVOKE EXECUTE ON FUNCTION circulation.patron_loans(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION circulation.patron_loans(uuid) TO library_patron, library_staff;
COMMENT ON FUNCTION circulation.patron_loans(uuid) IS 'Open loans of a patron, whoever may otherwise see them';

CREATE FUNCTION circulation.checkout(p_copy_id bigint, p_patron_id uuid, p_days integer DEFAULT 21)
  RETURNS bigint
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
AS $$
declare
  v_loan_id bigint;
begin
  insert into circulation.loans (copy_id, patron_id, issued_by, due_at)
  values (p_copy_id, p_patron_id, circulation.current_staff_id(),
          now() + make_interval(days => p_days))
  returning id into v_loan_id;

  insert into circulation.loan_events (loan_id, event)
  values (v_loan_id, 'issued');

  return v_loan_id;
end;
$$;
REVOKE EXECUTE ON FUNCTION circulation.checkout(bigint, uuid, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION circulation.checkout(bigint, uuid, integer) TO library_staff;
COMMENT ON FUNCTION circulation.checkout(bigint, uuid, integer) IS 'Lend a copy to a patron; returns the new loan''s id';

-- ============================================================================
-- reporting
-- ============================================================================

CREATE MATERIALIZED VIEW reporting.monthly_branch_loans AS
  SELECT c.branch_id,
         date_trunc('month', l.loaned_at) AS month,
         count(*) AS loans,
         count(DISTINCT l.patron_id) AS patrons
    FROM circulation.loans l
    JOIN library.copies c ON c.id = l.copy_id
   GROUP BY 1, 2;
COMMENT ON MATERIALIZED VIEW reporting.monthly_branch_loans IS 'Loans per branch and month';
-- unique, so it can be refreshed concurrently
CREATE UNIQUE INDEX ON reporting.monthly_branch_loans (branch_id, month);
CREATE INDEX ON reporting.monthly_branch_loans (month);
GRANT SELECT ON reporting.monthly_branch_loans TO library_manager, library_auditor;
