/*
 * test_facets.c — the facet reader against a real PostgreSQL 15.
 *
 * Two databases hold the same schema written differently (type spellings,
 * named vs unnamed constraints, case and whitespace in expressions, grant
 * order, owners, column order, per-database output settings) and must read
 * the same; then single changes in one must show as exactly the expected
 * key and field.  Also: dump/load round trips, keys of declared objects,
 * the caller's session left as it was, the read time at 10,000 tables,
 * and what the renames of declared objects decide on given facets.
 *
 * Build and run from the repository root (the fixture runs
 * scripts/pg-tmp.sh, which starts and stops a throwaway server):
 *
 *   mkdir -p build
 *   cc -std=c11 -Wall -Wextra -Werror -Isrc/runtime \
 *      -I$(pg_config --includedir) src/runtime/facets.c \
 *      tests/runtime/test_facets.c -lpq $(pkg-config --libs check) \
 *      -o build/test_facets
 *   build/test_facets
 *
 * Define SCTL_NO_TEST_MAIN to link make_facets_suite into another runner.
 */
#define _POSIX_C_SOURCE 200809L
#include "schemactl.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

Suite *make_facets_suite(void);

/* ------------------------------------------------------------ schemas */

/* Roles are cluster-wide; both databases see the same ones. */
static const char *const roles_sql[] = {
    "CREATE ROLE app_user NOLOGIN",
    "CREATE ROLE app_admin NOLOGIN",
    "CREATE ROLE owner_b NOLOGIN",
    "CREATE ROLE login_role LOGIN",
    "CREATE DATABASE a",
    "CREATE DATABASE b",
    /* Settings the reader must override: with them, b would print
     * unqualified names, other dates and times, longer floats. */
    "ALTER DATABASE b SET search_path = app, public",
    "ALTER DATABASE b SET TimeZone = 'Asia/Tokyo'",
    "ALTER DATABASE b SET DateStyle = 'SQL, DMY'",
    "ALTER DATABASE b SET extra_float_digits = 3",
    NULL,
};

/* Database a: the plain spelling, everything owned by postgres. */
static const char *const schema_a[] = {
    "CREATE SCHEMA app",
    "COMMENT ON SCHEMA app IS 'the app'",
    "GRANT USAGE ON SCHEMA app TO app_user, app_admin",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA app"
    " GRANT SELECT, INSERT ON TABLES TO app_user",
    "CREATE EXTENSION citext SCHEMA app",
    "CREATE TYPE app.mood AS ENUM ('sad', 'ok', 'happy')",
    "COMMENT ON TYPE app.mood IS 'how it feels'",
    "CREATE DOMAIN app.posint AS int NOT NULL DEFAULT 1 CHECK (VALUE > 0)",
    "CREATE TYPE app.pair AS (a int, b varchar(10))",
    "CREATE TABLE app.users ("
    " id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
    " email varchar(10) NOT NULL UNIQUE,"
    " name text COLLATE \"C\" DEFAULT 'anon',"
    " handle app.citext,"
    " score numeric(10,2) DEFAULT 0.5,"
    " ratio float8 DEFAULT 0.1,"
    " doubled int GENERATED ALWAYS AS (id * 2) STORED,"
    " mood app.mood DEFAULT 'ok',"
    " since timestamptz DEFAULT '2024-05-01 12:00:00+00',"
    " level app.posint)",
    "COMMENT ON TABLE app.users IS 'people'",
    "COMMENT ON COLUMN app.users.email IS 'where to write'",
    "CREATE TABLE app.posts ("
    " id bigserial PRIMARY KEY,"
    " user_id int NOT NULL REFERENCES app.users (id) ON DELETE CASCADE,"
    " body text CHECK (length(body) > 0),"
    " created timestamptz DEFAULT now(),"
    " tags text[] DEFAULT '{}')",
    "CREATE INDEX posts_user_idx ON app.posts (user_id)"
    " WHERE body IS NOT NULL",
    "ALTER TABLE app.posts ENABLE ROW LEVEL SECURITY",
    "CREATE POLICY posts_read ON app.posts FOR SELECT TO app_user, app_admin"
    " USING (user_id = 1 AND body <> 'x')",
    "CREATE POLICY posts_write ON app.posts AS RESTRICTIVE FOR INSERT"
    " TO app_admin WITH CHECK (length(body) < 1000)",
    "CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql"
    " AS $$BEGIN NEW.created := now(); RETURN NEW; END$$",
    "CREATE TRIGGER posts_touch BEFORE UPDATE ON app.posts"
    " FOR EACH ROW EXECUTE FUNCTION app.touch()",
    "CREATE FUNCTION app.add(a int, b int DEFAULT 1) RETURNS int"
    " LANGUAGE sql IMMUTABLE AS 'SELECT a + b'",
    "REVOKE EXECUTE ON FUNCTION app.add(int, int) FROM PUBLIC",
    "GRANT EXECUTE ON FUNCTION app.add(int, int) TO app_user",
    "CREATE VIEW app.user_posts WITH (security_barrier = true) AS"
    " SELECT u.id, count(p.id) AS n FROM app.users u"
    " LEFT JOIN app.posts p ON p.user_id = u.id GROUP BY u.id",
    "CREATE MATERIALIZED VIEW app.counts AS"
    " SELECT user_id, count(*) AS n FROM app.posts GROUP BY user_id",
    "CREATE UNIQUE INDEX counts_user ON app.counts (user_id)",
    "COMMENT ON MATERIALIZED VIEW app.counts IS '\\N'",
    "CREATE TABLE app.events (id int, at date NOT NULL)"
    " PARTITION BY RANGE (at)",
    "CREATE TABLE app.events_2024 PARTITION OF app.events"
    " FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
    "COMMENT ON TABLE app.events IS"
    " E'tab\\there\\nnew line\\\\N back\\\\slash\\r\\n\\\\'",
    "GRANT SELECT, INSERT ON app.users TO app_user",
    "GRANT UPDATE (email) ON app.users TO app_user",
    "GRANT SELECT ON app.posts TO app_admin WITH GRANT OPTION",
    "GRANT SELECT ON app.user_posts TO PUBLIC",
    /* Never read: not a managed schema, and schemactl's own. */
    "CREATE TABLE public.unmanaged (x int)",
    "CREATE SCHEMA schemactl",
    "CREATE TABLE schemactl.history (x int)",
    NULL,
};

/* Database b: other spellings and order, objects owned by owner_b. */
static const char *const schema_b[] = {
    "CREATE SCHEMA app AUTHORIZATION owner_b",
    "CREATE EXTENSION citext SCHEMA app",
    "SET ROLE owner_b",
    "GRANT USAGE ON SCHEMA app TO app_admin",
    "GRANT USAGE ON SCHEMA app TO app_user",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT INSERT ON TABLES"
    " TO app_user",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT ON TABLES"
    " TO app_user",
    "COMMENT ON SCHEMA app IS 'the app'",
    /* Same label order, other enumsortorder values. */
    "CREATE TYPE mood AS ENUM ('sad', 'happy')",
    "ALTER TYPE mood ADD VALUE 'ok' BEFORE 'happy'",
    "COMMENT ON TYPE mood IS 'how it feels'",
    "CREATE DOMAIN posint integer DEFAULT 1"
    " CONSTRAINT posint_check CHECK (VALUE>0) NOT NULL",
    "CREATE TYPE pair AS (a integer, b character varying(10))",
    "CREATE TABLE users ("
    " junk integer,"
    " Id INTEGER GENERATED ALWAYS AS IDENTITY,"
    " doubled integer GENERATED ALWAYS AS (ID*2) STORED,"
    " email character varying(10) NOT NULL,"
    " Name TEXT COLLATE \"C\" DEFAULT ('anon'),"
    " handle citext,"
    " score NUMERIC(10, 2) DEFAULT 0.5,"
    " ratio double precision DEFAULT 0.1,"
    " mood mood DEFAULT 'ok'::mood,"
    " since timestamp with time zone DEFAULT '2024-05-01 21:00:00+09',"
    " CONSTRAINT users_pkey PRIMARY KEY (id),"
    " CONSTRAINT users_email_key UNIQUE (email))",
    "ALTER TABLE users DROP COLUMN junk",
    "ALTER TABLE users ADD COLUMN level posint",
    "COMMENT ON COLUMN users.email IS 'where to write'",
    "COMMENT ON TABLE users IS 'people'",
    "CREATE SEQUENCE posts_id_seq",
    "CREATE TABLE posts ("
    " id bigint DEFAULT nextval('posts_id_seq') NOT NULL,"
    " user_id integer NOT NULL,"
    " body text,"
    " created timestamp with time zone DEFAULT NOW(),"
    " tags text[] DEFAULT '{}'::text[],"
    " CONSTRAINT posts_pkey PRIMARY KEY (id),"
    " CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id)"
    "  REFERENCES users(id) ON DELETE CASCADE,"
    " CONSTRAINT posts_body_check CHECK (LENGTH(body)>0))",
    "ALTER SEQUENCE posts_id_seq OWNED BY posts.id",
    "CREATE INDEX posts_user_idx ON posts USING btree (user_id)"
    " WHERE (body IS NOT NULL)",
    "ALTER TABLE posts ENABLE ROW LEVEL SECURITY",
    "CREATE POLICY posts_write ON posts AS RESTRICTIVE FOR INSERT"
    " TO app_admin WITH CHECK (Length(body)<1000)",
    "CREATE POLICY posts_read ON posts AS PERMISSIVE FOR SELECT"
    " TO app_admin, app_user USING ((USER_ID = 1) and (body != 'x'))",
    "CREATE OR REPLACE FUNCTION touch() RETURNS TRIGGER"
    " AS $$BEGIN NEW.created := now(); RETURN NEW; END$$"
    " LANGUAGE plpgsql",
    "CREATE TRIGGER posts_touch BEFORE UPDATE ON posts"
    " FOR EACH ROW EXECUTE PROCEDURE touch()",
    "CREATE FUNCTION add(a integer, b integer = 1) RETURNS integer"
    " IMMUTABLE LANGUAGE sql AS 'SELECT a + b'",
    "GRANT EXECUTE ON FUNCTION add(integer, integer) TO app_user",
    "REVOKE ALL ON FUNCTION add(integer, integer) FROM public",
    "CREATE VIEW user_posts WITH (security_barrier=true) AS"
    " select u.id, COUNT(p.id) n from users u"
    " left join posts p on (p.user_id = u.id) group by u.id",
    "CREATE MATERIALIZED VIEW counts AS"
    " SELECT user_id, count(*) AS n FROM posts GROUP BY 1",
    "CREATE UNIQUE INDEX counts_user ON counts USING btree (user_id)",
    "COMMENT ON MATERIALIZED VIEW counts IS E'\\\\N'",
    "CREATE TABLE events (id integer, at date NOT NULL)"
    " PARTITION BY RANGE (at)",
    "CREATE TABLE events_2024 (at date NOT NULL, id integer)",
    "ALTER TABLE events ATTACH PARTITION events_2024"
    " FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
    "COMMENT ON TABLE events IS"
    " E'tab\\there\\nnew line\\\\N back\\\\slash\\r\\n\\\\'",
    "GRANT UPDATE (email) ON users TO app_user",
    "GRANT INSERT, SELECT ON TABLE users TO app_user",
    "GRANT SELECT ON user_posts TO public",
    "GRANT SELECT ON posts TO app_admin WITH GRANT OPTION",
    "RESET ROLE",
    "CREATE TABLE public.unmanaged (y text)",
    NULL,
};

static const char *const managed[] = {"app", "schemactl"};
#define NMANAGED 2

/* ------------------------------------------------------------ server */

static char server_dir[64];

static void run_all(PGconn *c, const char *const *sql)
{
    for (; *sql; sql++) {
        PGresult *r = PQexec(c, *sql);
        ExecStatusType st = PQresultStatus(r);
        ck_assert_msg(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK,
                      "%s: %s", *sql, PQerrorMessage(c));
        PQclear(r);
    }
}

static PGconn *connect_db(const char *db)
{
    char conninfo[64];
    snprintf(conninfo, sizeof conninfo, "dbname=%s", db);
    PGconn *c = PQconnectdb(conninfo);
    ck_assert_msg(PQstatus(c) == CONNECTION_OK, "connect %s: %s", db,
                  PQerrorMessage(c));
    return c;
}

static void load_schema(const char *db, const char *const *sql)
{
    PGconn *c = connect_db(db);
    run_all(c, sql);
    PQfinish(c);
}

/* Sets PGHOST/PGPORT/PGUSER from pg-tmp.sh's NAME='value' output. */
static void export_var(const char *out, const char *name)
{
    char pat[16], val[128];
    snprintf(pat, sizeof pat, "%s='", name);
    const char *p = strstr(out, pat);
    ck_assert_msg(p != NULL, "no %s in: %s", name, out);
    p += strlen(pat);
    size_t n = strcspn(p, "'");
    ck_assert(n < sizeof val);
    memcpy(val, p, n);
    val[n] = '\0';
    setenv(name, val, 1);
}

static void server_start(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(server_dir, sizeof server_dir, "%s/sctl-facets-XXXXXX",
             tmp && strlen(tmp) < 32 ? tmp : "/tmp");
    ck_assert(mkdtemp(server_dir) != NULL);
    char cmd[160], out[512] = "";
    snprintf(cmd, sizeof cmd, "scripts/pg-tmp.sh start '%s'", server_dir);
    FILE *p = popen(cmd, "r");
    ck_assert(p != NULL);
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    ck_assert_msg(pclose(p) == 0, "pg-tmp.sh start failed: %s", out);
    export_var(out, "PGHOST");
    export_var(out, "PGPORT");
    export_var(out, "PGUSER");
    load_schema("postgres", roles_sql);
    load_schema("a", schema_a);
    load_schema("b", schema_b);
}

static void server_stop(void)
{
    char cmd[160];
    snprintf(cmd, sizeof cmd, "scripts/pg-tmp.sh stop '%s'", server_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "test_facets: could not stop %s\n", server_dir);
}

/* ------------------------------------------------------------ helpers */

static SctlFacets *read_conn(PGconn *c)
{
    char *err = NULL;
    SctlFacets *f = sctl_read_facets(c, managed, NMANAGED, &err);
    ck_assert_msg(f != NULL, "read: %s", err ? err : "?");
    return f;
}

static SctlFacets *read_db(const char *db)
{
    PGconn *c = connect_db(db);
    SctlFacets *f = read_conn(c);
    PQfinish(c);
    return f;
}

/* Keys in tests are written with '|' for the unit separator. */
static char *key_of(const char *bars)
{
    char *k = strcpy(malloc(strlen(bars) + 1), bars);
    for (char *p = k; *p; p++)
        if (*p == '|')
            *p = '\x1f';
    return k;
}

static void bars(char *s)
{
    for (; *s; s++)
        if (*s == '\x1f')
            *s = '|';
}

/* The value of field `name` of facet `key`; fails the test if absent. */
static const char *value(const SctlFacets *f, const char *key,
                         const char *name)
{
    char *k = key_of(key);
    const SctlFacet *fc = sctl_facet(f, k);
    free(k);
    ck_assert_msg(fc != NULL, "no facet %s", key);
    for (int i = 0; i < fc->nfields; i++)
        if (strcmp(fc->fields[i].name, name) == 0)
            return fc->fields[i].value;
    ck_abort_msg("facet %s has no field %s", key, name);
    return NULL;
}

static bool has(const SctlFacets *f, const char *key)
{
    char *k = key_of(key);
    bool found = sctl_facet(f, k) != NULL;
    free(k);
    return found;
}

static void append(char *out, size_t cap, const char *key, const char *what)
{
    size_t len = strlen(out);
    snprintf(out + len, cap - len, "%s%s %s", len ? "\n" : "", key, what);
    bars(out + len);
}

static bool same_value(const char *x, const char *y)
{
    return x == y || (x && y && strcmp(x, y) == 0);
}

static void diff_fields(char *out, size_t cap, const SctlFacet *x,
                        const SctlFacet *y)
{
    ck_assert_int_eq(x->nfields, y->nfields);
    for (int i = 0; i < x->nfields; i++) {
        ck_assert_str_eq(x->fields[i].name, y->fields[i].name);
        if (!same_value(x->fields[i].value, y->fields[i].value))
            append(out, cap, x->key, x->fields[i].name);
    }
}

/*
 * "KEY FIELD" per differing field, "KEY -" for a key only in x and
 * "KEY +" for one only in y, one per line in key order.
 */
static void diff(char *out, size_t cap, const SctlFacets *x,
                 const SctlFacets *y)
{
    int i = 0, j = 0, nx = sctl_facet_count(x), ny = sctl_facet_count(y);
    out[0] = '\0';
    while (i < nx || j < ny) {
        const SctlFacet *a = i < nx ? sctl_facet_at(x, i) : NULL;
        const SctlFacet *b = j < ny ? sctl_facet_at(y, j) : NULL;
        int c = !a ? 1 : !b ? -1 : strcmp(a->key, b->key);
        if (c < 0)
            append(out, cap, a->key, "-");
        else if (c > 0)
            append(out, cap, b->key, "+");
        else
            diff_fields(out, cap, a, b);
        i += c <= 0;
        j += c >= 0;
    }
}

/* ------------------------------------------------------------ tests */

START_TEST(test_equivalent_databases_read_the_same)
{
    SctlFacets *a = read_db("a"), *b = read_db("b");
    char d[4096];
    diff(d, sizeof d, a, b);
    ck_assert_msg(d[0] == '\0', "differences:\n%s", d);
    char *da = sctl_facets_dump(a), *db = sctl_facets_dump(b);
    ck_assert_str_eq(da, db);
    ck_assert_int_gt(sctl_facet_count(a), 50);
    free(da);
    free(db);
    sctl_facets_free(a);
    sctl_facets_free(b);
}
END_TEST

typedef struct ValueCase {
    const char *key, *field, *want;     /* want NULL: SQL NULL */
} ValueCase;

static const ValueCase value_cases[] = {
    {"column|app|users|email", "type", "character varying(10)"},
    {"column|app|users|email", "not_null", "t"},
    {"column|app|users|email", "acl", "app_user:UPDATE"},
    {"column|app|users|email", "comment", "where to write"},
    {"column|app|users|name", "collation", "\"C\""},
    {"column|app|users|name", "default", "'anon'::text"},
    {"column|app|users|handle", "type", "app.citext"},
    {"column|app|users|ratio", "default", "0.1"},
    {"column|app|users|since", "default",
     "'2024-05-01 12:00:00+00'::timestamp with time zone"},
    {"column|app|users|mood", "default", "'ok'::app.mood"},
    {"column|app|users|id", "identity", "a"},
    {"column|app|users|id", "default", NULL},
    {"column|app|users|doubled", "generated", "(id * 2)"},
    {"column|app|users|doubled", "default", NULL},
    {"column|app|posts|id", "default",
     "nextval('app.posts_id_seq'::regclass)"},
    {"column|app|posts|tags", "type", "text[]"},
    {"policy|app|posts|posts_read", "using",
     "((user_id = 1) AND (body <> 'x'::text))"},
    {"policy|app|posts|posts_read", "roles", "app_admin,app_user"},
    {"policy|app|posts|posts_read", "command", "r"},
    {"policy|app|posts|posts_read", "check", NULL},
    {"policy|app|posts|posts_write", "permissive", "f"},
    {"policy|app|posts|posts_write", "command", "a"},
    {"policy|app|posts|posts_write", "check", "(length(body) < 1000)"},
    {"constraint|app|posts|posts_user_id_fkey", "definition",
     "FOREIGN KEY (user_id) REFERENCES app.users(id) ON DELETE CASCADE"},
    {"constraint|app|posts|posts_body_check", "type", "c"},
    {"index|app|posts|posts_user_idx", "definition",
     "CREATE INDEX posts_user_idx ON app.posts USING btree (user_id)"
     " WHERE (body IS NOT NULL)"},
    {"index|app|posts|posts_user_idx", "constraint", NULL},
    {"index|app|users|users_pkey", "constraint", "users_pkey"},
    {"index|app|counts|counts_user", "valid", "t"},
    {"trigger|app|posts|posts_touch", "definition",
     "CREATE TRIGGER posts_touch BEFORE UPDATE ON app.posts FOR EACH ROW"
     " EXECUTE FUNCTION app.touch()"},
    {"trigger|app|posts|posts_touch", "enabled", "O"},
    {"table|app|posts", "rls", "t"},
    {"table|app|posts", "acl",
     "app_admin:SELECT*,app_user:INSERT,app_user:SELECT"},
    {"table|app|users", "comment", "people"},
    {"table|app|events", "partition_key", "RANGE (at)"},
    {"table|app|events", "comment",
     "tab\there\nnew line\\N back\\slash\r\n\\"},
    {"table|app|events_2024", "partition_of", "app.events"},
    {"table|app|events_2024", "partition_bound",
     "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')"},
    {"view|app|user_posts", "options", "{security_barrier=true}"},
    {"view|app|user_posts", "acl",
     "PUBLIC:SELECT,app_user:INSERT,app_user:SELECT"},
    {"view|app|counts", "kind", "m"},
    {"view|app|counts", "comment", "\\N"},
    {"type|app|mood", "labels", "'sad','ok','happy'"},
    {"type|app|mood", "comment", "how it feels"},
    {"type|app|posint", "definition",
     "integer NOT NULL DEFAULT 1 CHECK ((VALUE > 0))"},
    {"type|app|pair", "definition", "a integer, b character varying(10)"},
    {"function|app|add(a integer, b integer)", "acl", "app_user:EXECUTE"},
    {"function|app|touch()", "acl", "PUBLIC:EXECUTE"},
    {"schema|app", "acl", "app_admin:USAGE,app_user:USAGE"},
    {"schema|app", "default_acl", "r:app_user:ar"},
    {"schema|app", "comment", "the app"},
    {"extension|citext", "schema", "app"},
    {"role|login_role", "login", "t"},
    {"role|app_user", "member_of", NULL},
};

START_TEST(test_values)
{
    SctlFacets *f = read_db(_i % 2 ? "b" : "a");
    for (size_t i = 0; i < sizeof value_cases / sizeof *value_cases; i++) {
        const ValueCase *c = &value_cases[i];
        const char *got = value(f, c->key, c->field);
        if (c->want)
            ck_assert_msg(got && strcmp(got, c->want) == 0,
                          "%s %s: got \"%s\", want \"%s\"", c->key,
                          c->field, got ? got : "(null)", c->want);
        else
            ck_assert_msg(!got, "%s %s: got \"%s\", want NULL", c->key,
                          c->field, got);
    }
    sctl_facets_free(f);
}
END_TEST

START_TEST(test_function_definition)
{
    SctlFacets *f = read_db("a");
    ck_assert_str_eq(value(f, "function|app|add(a integer, b integer)",
                           "definition"),
                     "CREATE OR REPLACE FUNCTION app.add(a integer,"
                     " b integer DEFAULT 1)\n"
                     " RETURNS integer\n"
                     " LANGUAGE sql\n"
                     " IMMUTABLE\n"
                     "AS $function$SELECT a + b$function$\n");
    sctl_facets_free(f);
}
END_TEST

START_TEST(test_unmanaged_not_read)
{
    SctlFacets *f = read_db("a");
    ck_assert(!has(f, "table|public|unmanaged"));
    ck_assert(!has(f, "schema|public"));
    ck_assert(!has(f, "table|schemactl|history"));
    ck_assert(!has(f, "schema|schemactl"));
    /* citext's own functions and types live in app, but are its own. */
    ck_assert(!has(f, "type|app|citext"));
    ck_assert(!has(f, "function|app|citext(character)"));
    ck_assert(has(f, "extension|plpgsql"));
    ck_assert(!has(f, "role|pg_read_all_data"));
    for (int i = 0; i < sctl_facet_count(f); i++) {
        const SctlFacet *fc = sctl_facet_at(f, i);
        ck_assert_msg(strstr(fc->key, "citext(") == NULL, "%s", fc->key);
    }
    sctl_facets_free(f);
}
END_TEST

/* ------------------------------------------------------------ tampering */

typedef struct Tamper {
    const char *sql;        /* run in b inside a transaction, rolled back */
    const char *want;       /* the diff against a, as diff() writes it */
} Tamper;

static const Tamper tampers[] = {
    {"DROP INDEX app.posts_user_idx", "index|app|posts|posts_user_idx -"},
    {"CREATE INDEX extra_idx ON app.posts (created)",
     "index|app|posts|extra_idx +"},
    {"ALTER TABLE app.posts DISABLE ROW LEVEL SECURITY",
     "table|app|posts rls"},
    {"ALTER TABLE app.posts FORCE ROW LEVEL SECURITY",
     "table|app|posts force_rls"},
    {"ALTER POLICY posts_read ON app.posts USING (user_id = 2)",
     "policy|app|posts|posts_read using"},
    {"ALTER POLICY posts_read ON app.posts TO app_user",
     "policy|app|posts|posts_read roles"},
    {"ALTER TABLE app.users ALTER COLUMN score SET DEFAULT 1",
     "column|app|users|score default"},
    {"ALTER TABLE app.posts ALTER COLUMN body SET NOT NULL",
     "column|app|posts|body not_null"},
    {"ALTER TABLE app.users ALTER COLUMN email TYPE varchar(20)",
     "column|app|users|email type"},
    {"ALTER TABLE app.users ALTER COLUMN name TYPE text COLLATE \"POSIX\"",
     "column|app|users|name collation"},
    {"ALTER TABLE app.users ALTER COLUMN id SET GENERATED BY DEFAULT",
     "column|app|users|id identity"},
    {"REVOKE INSERT ON app.users FROM app_user", "table|app|users acl"},
    {"REVOKE UPDATE (email) ON app.users FROM app_user",
     "column|app|users|email acl"},
    {"COMMENT ON TABLE app.users IS 'persons'", "table|app|users comment"},
    {"COMMENT ON COLUMN app.users.email IS NULL",
     "column|app|users|email comment"},
    {"CREATE OR REPLACE FUNCTION app.touch() RETURNS trigger"
     " LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$",
     "function|app|touch() definition"},
    {"REVOKE EXECUTE ON FUNCTION app.add(int, int) FROM app_user",
     "function|app|add(a integer, b integer) acl"},
    {"DROP TRIGGER posts_touch ON app.posts",
     "trigger|app|posts|posts_touch -"},
    {"ALTER TABLE app.posts DISABLE TRIGGER posts_touch",
     "trigger|app|posts|posts_touch enabled"},
    {"ALTER TABLE app.posts DROP CONSTRAINT posts_body_check",
     "constraint|app|posts|posts_body_check -"},
    {"ALTER TYPE app.mood ADD VALUE 'angry'", "type|app|mood labels"},
    {"ALTER DOMAIN app.posint SET DEFAULT 2", "type|app|posint definition"},
    {"ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT USAGE ON TYPES"
     " TO app_user",
     "schema|app default_acl"},
    {"GRANT CREATE ON SCHEMA app TO app_admin", "schema|app acl"},
    {"ALTER TABLE app.events DETACH PARTITION app.events_2024",
     "table|app|events_2024 partition_of\n"
     "table|app|events_2024 partition_bound"},
    {"CREATE OR REPLACE VIEW app.user_posts WITH (security_barrier = true)"
     " AS SELECT u.id, count(p.id) + 0 AS n FROM app.users u"
     " LEFT JOIN app.posts p ON p.user_id = u.id GROUP BY u.id",
     "view|app|user_posts definition"},
    {"ALTER VIEW app.user_posts RESET (security_barrier)",
     "view|app|user_posts options"},
    {"GRANT app_user TO app_admin", "role|app_admin member_of"},
    {"ALTER ROLE login_role NOLOGIN", "role|login_role login"},
    {"ALTER TABLE app.counts RENAME TO tallies",
     "index|app|counts|counts_user -\n"
     "index|app|tallies|counts_user +\n"
     "view|app|counts -\n"
     "view|app|tallies +"},
};

#define NTAMPERS ((int)(sizeof tampers / sizeof *tampers))

/* Also reads inside the caller's transaction, as a mid-apply check does. */
START_TEST(test_tamper)
{
    const Tamper *t = &tampers[_i];
    SctlFacets *a = read_db("a");
    PGconn *c = connect_db("b");
    const char *begin[] = {"BEGIN", t->sql, NULL};
    run_all(c, begin);
    SctlFacets *b = read_conn(c);
    ck_assert_int_eq(PQtransactionStatus(c), PQTRANS_INTRANS);
    const char *end[] = {"ROLLBACK", NULL};
    run_all(c, end);
    char d[4096];
    diff(d, sizeof d, a, b);
    ck_assert_msg(strcmp(d, t->want) == 0, "%s:\ngot:\n%s\nwant:\n%s",
                  t->sql, d, t->want);
    sctl_facets_free(a);
    sctl_facets_free(b);
    PQfinish(c);
}
END_TEST

/* ------------------------------------------------------------ fingerprint */

static char *fingerprint(PGconn *c)
{
    char *err = NULL;
    char *fp = sctl_fingerprint(c, managed, NMANAGED, &err);
    ck_assert_msg(fp != NULL, "fingerprint: %s", err ? err : "?");
    return fp;
}

/* The fast path may only say "unchanged" if the fingerprint is: every
 * tamper the reader sees must move it, and undoing it (the rollback)
 * must not leave it moved, or the fast path would never be taken. */
START_TEST(test_tamper_moves_fingerprint)
{
    const Tamper *t = &tampers[_i];
    PGconn *c = connect_db("b");
    char *before = fingerprint(c);
    const char *begin[] = {"BEGIN", t->sql, NULL};
    run_all(c, begin);
    char *during = fingerprint(c);
    const char *end[] = {"ROLLBACK", NULL};
    run_all(c, end);
    char *after = fingerprint(c);
    ck_assert_msg(strcmp(before, during) != 0, "%s left the fingerprint %s",
                  t->sql, before);
    ck_assert_str_eq(before, after);
    free(before);
    free(during);
    free(after);
    PQfinish(c);
}
END_TEST

/* The reader takes the fingerprint in its own snapshot only; in the
 * caller's transaction each statement may see another state. */
START_TEST(test_read_gives_fingerprint_in_own_snapshot)
{
    PGconn *c = connect_db("b");
    char *err = NULL, *fp = NULL;
    char *outside = fingerprint(c);
    SctlFacets *f = sctl_read_facets_fp(c, managed, NMANAGED, &fp, &err);
    ck_assert_msg(f != NULL, "%s", err ? err : "?");
    ck_assert_ptr_nonnull(fp);
    ck_assert_str_eq(fp, outside);
    sctl_facets_free(f);
    free(fp);
    const char *begin[] = {"BEGIN", NULL};
    run_all(c, begin);
    f = sctl_read_facets_fp(c, managed, NMANAGED, &fp, &err);
    ck_assert_msg(f != NULL, "%s", err ? err : "?");
    ck_assert_ptr_null(fp);
    sctl_facets_free(f);
    const char *end[] = {"ROLLBACK", NULL};
    run_all(c, end);
    free(outside);
    PQfinish(c);
}
END_TEST

/* How many sessions database db has had (the server counts them when
 * they end: polled until it says more than since, or a second passed). */
static long sessions(PGconn *c, const char *db, long since)
{
    long n = -1;
    for (int i = 0; i < 100; i++) {
        PQclear(PQexec(c, "SELECT pg_stat_clear_snapshot()"));
        const char *params[1] = {db};
        PGresult *r = PQexecParams(c, "SELECT sessions FROM "
                                   "pg_stat_database WHERE datname = $1",
                                   1, NULL, params, NULL, NULL, 0);
        ck_assert_int_eq(PQresultStatus(r), PGRES_TUPLES_OK);
        n = atol(PQgetvalue(r, 0, 0));
        PQclear(r);
        if (n > since)
            break;
        struct timespec ms10 = {0, 10000000};
        nanosleep(&ms10, NULL);
    }
    return n;
}

/* A large schema's reading in its own snapshot puts two of the queries on
 * a second connection (facets_helper.c); what it reads is what one
 * connection reads.  When that connection is refused (a role's connection
 * limit), the first reads everything itself. */
START_TEST(test_helper_reads_the_same)
{
    static SctlObject none[2000];
    SctlSchema big = {.schemas = managed, .nschemas = NMANAGED,
                      .objects = none, .nobjects = 2000};
    PGconn *admin = connect_db("postgres");
    const char *mk[] = {"CREATE ROLE facets_limited LOGIN CONNECTION LIMIT 1",
                        NULL};
    run_all(admin, mk);
    for (int limited = 0; limited < 2; limited++) {
        char conninfo[96];
        snprintf(conninfo, sizeof conninfo, "dbname=a%s", limited
                 ? " user=facets_limited" : "");
        PGconn *c = PQconnectdb(conninfo);
        ck_assert_msg(PQstatus(c) == CONNECTION_OK, "%s", PQerrorMessage(c));
        char *err = NULL;
        SctlFacets *one = sctl_read_facets(c, managed, NMANAGED, &err);
        ck_assert_msg(one != NULL, "%s", err ? err : "?");
        long before = sessions(admin, "a", -1);
        SctlFacets *two = sctl_read_schema_facets(c, &big, NULL, &err);
        ck_assert_msg(two != NULL, "%s", err ? err : "?");
        long after = sessions(admin, "a", before);
        ck_assert_int_eq(after - before, limited ? 0 : 1);
        char *x = sctl_facets_dump(one), *y = sctl_facets_dump(two);
        ck_assert_str_eq(x, y);
        ck_assert(strstr(x, "Kpolicy\x1f") && strstr(x, "Kconstraint\x1f"));
        free(x);
        free(y);
        sctl_facets_free(one);
        sctl_facets_free(two);
        PQfinish(c);
    }
    const char *drop[] = {"DROP ROLE facets_limited", NULL};
    run_all(admin, drop);
    PQfinish(admin);
}
END_TEST

/* A shared map lives until its last owner frees it. */
START_TEST(test_share_keeps_map)
{
    SctlFacets *f = read_db("a");
    SctlFacets *g = sctl_facets_share(f);
    ck_assert_ptr_eq(f, g);
    sctl_facets_free(f);
    ck_assert_ptr_nonnull(sctl_facet(g, "schema\x1f" "app"));
    sctl_facets_free(g);
}
END_TEST

/* ------------------------------------------------------------ raw columns */

/* Indexes of every shape the raw-column printing covers or leaves to
 * pg_get_indexdef; created in b inside a transaction, rolled back. */
static const char *const index_shapes[] = {
    "BEGIN",
    "CREATE INDEX s_desc ON app.posts (created DESC)",
    "CREATE INDEX s_desc_last ON app.posts (created DESC NULLS LAST)",
    "CREATE INDEX s_first ON app.posts (created NULLS FIRST)",
    "CREATE UNIQUE INDEX s_multi ON app.posts (user_id, id DESC)",
    "CREATE INDEX s_coll ON app.posts (body COLLATE \"C\")",
    "CREATE INDEX s_ops ON app.posts (body text_pattern_ops)",
    "CREATE INDEX s_expr ON app.posts (lower(body))",
    "CREATE INDEX s_part ON app.posts (user_id) WHERE body IS NOT NULL",
    "CREATE INDEX s_incl ON app.posts (user_id) INCLUDE (body)",
    "CREATE INDEX s_with ON app.posts (user_id) WITH (fillfactor = 70)",
    "CREATE INDEX s_hash ON app.posts USING hash (body)",
    "CREATE UNIQUE INDEX s_nnd ON app.posts (body) NULLS NOT DISTINCT",
    "CREATE INDEX s_parted ON app.events (at)",
    "CREATE INDEX \"S Quoted\" ON app.posts (\"user_id\")",
    NULL,
};

/* Every index definition the reader prints is what pg_get_indexdef
 * prints, whichever way the reader took. */
START_TEST(test_index_definitions_as_pg_get_indexdef)
{
    PGconn *c = connect_db("b");
    run_all(c, index_shapes);
    SctlFacets *f = read_conn(c);
    PGresult *r = PQexec(c, "SET search_path = pg_catalog;"
        "SELECT n.nspname, t.relname, x.relname,"
        " pg_get_indexdef(i.indexrelid) FROM pg_index i"
        " JOIN pg_class x ON x.oid = i.indexrelid"
        " JOIN pg_class t ON t.oid = i.indrelid"
        " JOIN pg_namespace n ON n.oid = t.relnamespace"
        " WHERE n.nspname = 'app'");
    ck_assert_int_eq(PQresultStatus(r), PGRES_TUPLES_OK);
    ck_assert_int_ge(PQntuples(r), 16);
    for (int i = 0; i < PQntuples(r); i++) {
        char *key = sctl_printf("index\x1f%s\x1f%s\x1f%s", PQgetvalue(r, i, 0),
                                PQgetvalue(r, i, 1), PQgetvalue(r, i, 2));
        const SctlFacet *fc = sctl_facet(f, key);
        ck_assert_msg(fc != NULL, "no facet %s", key);
        ck_assert_str_eq(sctl_field(fc, "definition"), PQgetvalue(r, i, 3));
        free(key);
    }
    PQclear(r);
    const char *end[] = {"ROLLBACK", NULL};
    run_all(c, end);
    sctl_facets_free(f);
    PQfinish(c);
}
END_TEST

/* ------------------------------------------------------------ session */

static char *show_search_path(PGconn *c)
{
    PGresult *r = PQexec(c, "SHOW search_path");
    ck_assert_int_eq(PQresultStatus(r), PGRES_TUPLES_OK);
    char *s = strcpy(malloc(strlen(PQgetvalue(r, 0, 0)) + 1),
                     PQgetvalue(r, 0, 0));
    PQclear(r);
    return s;
}

START_TEST(test_session_left_as_it_was)
{
    PGconn *c = connect_db("b");
    char *before = show_search_path(c), *after;
    ck_assert_str_eq(before, "app, public");
    sctl_facets_free(read_conn(c));
    ck_assert_int_eq(PQtransactionStatus(c), PQTRANS_IDLE);
    ck_assert_str_eq(after = show_search_path(c), before);
    free(after);
    const char *begin[] = {"BEGIN", "SET LOCAL search_path = public", NULL};
    run_all(c, begin);
    sctl_facets_free(read_conn(c));
    ck_assert_int_eq(PQtransactionStatus(c), PQTRANS_INTRANS);
    ck_assert_str_eq(after = show_search_path(c), "public");
    free(after);
    const char *end[] = {"COMMIT", NULL};
    run_all(c, end);
    ck_assert_str_eq(after = show_search_path(c), before);
    free(after);
    free(before);
    PQfinish(c);
}
END_TEST

START_TEST(test_aborted_transaction_is_an_error)
{
    PGconn *c = connect_db("a");
    PQclear(PQexec(c, "BEGIN"));
    PQclear(PQexec(c, "SELECT 1/0"));
    char *err = NULL;
    SctlFacets *f = sctl_read_facets(c, managed, NMANAGED, &err);
    ck_assert(f == NULL);
    ck_assert_str_eq(err, "facets: the current transaction is aborted");
    ck_assert_int_eq(PQtransactionStatus(c), PQTRANS_INERROR);
    free(err);
    PQfinish(c);
}
END_TEST

/* A query that fails (here on a schema name that is not UTF-8) leaves
 * the session as it was, in or out of the caller's transaction. */
static void read_fails_cleanly(PGconn *c, const char *search_path)
{
    const char *const bad[] = {"app", "\xff"};
    char *err = NULL, *sp;
    ck_assert_ptr_null(sctl_read_facets(c, bad, 2, &err));
    /* the first query given the schemas asks whether to read buckets */
    ck_assert_msg(strncmp(err, "facets: looking for buckets: invalid byte "
                  "sequence", 50) == 0, "%s", err);
    ck_assert_msg(strchr(err, '\n') == NULL, "not one line: %s", err);
    free(err);
    ck_assert_str_eq(sp = show_search_path(c), search_path);
    free(sp);
    sctl_facets_free(read_conn(c));
}

START_TEST(test_failed_read_leaves_session_usable)
{
    PGconn *c = connect_db("a");
    read_fails_cleanly(c, "\"$user\", public");
    ck_assert_int_eq(PQtransactionStatus(c), PQTRANS_IDLE);
    const char *begin[] = {"BEGIN", "SET LOCAL search_path = public", NULL};
    run_all(c, begin);
    read_fails_cleanly(c, "public");
    ck_assert_int_eq(PQtransactionStatus(c), PQTRANS_INTRANS);
    const char *end[] = {"COMMIT", NULL};
    run_all(c, end);
    PQfinish(c);
}
END_TEST

/* ------------------------------------------------------------ lookups */

START_TEST(test_object_keys_match_the_reader)
{
    static const SctlObject objs[] = {
        {.kind = SCTL_K_ROLE, .name = "app_user"},
        {.kind = SCTL_K_SCHEMA, .schema = "app", .name = "app"},
        {.kind = SCTL_K_SCHEMA, .schema = "app"},
        {.kind = SCTL_K_EXTENSION, .name = "citext"},
        {.kind = SCTL_K_TYPE, .schema = "app", .name = "mood"},
        {.kind = SCTL_K_TABLE, .schema = "app", .name = "users"},
        {.kind = SCTL_K_COLUMN, .schema = "app", .table = "users",
         .name = "email"},
        {.kind = SCTL_K_CONSTRAINT, .schema = "app", .table = "posts",
         .name = "posts_pkey"},
        {.kind = SCTL_K_INDEX, .schema = "app", .table = "counts",
         .name = "counts_user"},
        {.kind = SCTL_K_POLICY, .schema = "app", .table = "posts",
         .name = "posts_read"},
        {.kind = SCTL_K_TRIGGER, .schema = "app", .table = "posts",
         .name = "posts_touch"},
        {.kind = SCTL_K_VIEW, .schema = "app", .name = "user_posts"},
        {.kind = SCTL_K_FUNCTION, .schema = "app",
         .name = "add(a integer, b integer)"},
    };
    SctlFacets *f = read_db("a");
    for (size_t i = 0; i < sizeof objs / sizeof *objs; i++) {
        char *k = sctl_object_key(&objs[i]);
        const SctlFacet *fc = sctl_facet(f, k);
        bars(k);
        ck_assert_msg(fc != NULL, "no facet for %s", k);
        ck_assert_int_eq(fc->kind, objs[i].kind);
        free(k);
    }
    sctl_facets_free(f);
}
END_TEST

START_TEST(test_object_key_text)
{
    SctlObject col = {.kind = SCTL_K_COLUMN, .schema = "s", .table = "t",
                      .name = "c"};
    SctlObject role = {.kind = SCTL_K_ROLE, .schema = "ignored",
                       .name = "r"};
    SctlObject fn = {.kind = SCTL_K_FUNCTION, .schema = "s",
                     .name = "f(integer)"};
    char *k;
    ck_assert_str_eq(k = sctl_object_key(&col), "column\x1fs\x1ft\x1f" "c");
    free(k);
    ck_assert_str_eq(k = sctl_object_key(&role), "role\x1fr");
    free(k);
    ck_assert_str_eq(k = sctl_object_key(&fn), "function\x1fs\x1f" "f(integer)");
    free(k);
}
END_TEST

static const char *const posts_parts[] = {
    "column|app|posts|body", "column|app|posts|created", "column|app|posts|id",
    "column|app|posts|tags", "column|app|posts|user_id",
    "constraint|app|posts|posts_body_check", "constraint|app|posts|posts_pkey",
    "constraint|app|posts|posts_user_id_fkey", "index|app|posts|posts_pkey",
    "index|app|posts|posts_user_idx", "policy|app|posts|posts_read",
    "policy|app|posts|posts_write", "trigger|app|posts|posts_touch",
};

static void check_posts_parts(const SctlFacets *f)
{
    const SctlFacet **parts;
    int n;
    sctl_facets_of_table(f, "app", "posts", &parts, &n);
    ck_assert_int_eq(n, (int)(sizeof posts_parts / sizeof *posts_parts));
    for (int i = 0; i < n; i++) {
        char *want = key_of(posts_parts[i]);
        ck_assert_str_eq(parts[i]->key, want);
        ck_assert_str_eq(parts[i]->schema, "app");
        ck_assert_str_eq(parts[i]->table, "posts");
        free(want);
    }
    sctl_facets_of_table(f, "app", "nosuch", &parts, &n);
    ck_assert_int_eq(n, 0);
    sctl_facets_of_table(f, "app", "users", &parts, &n);
    ck_assert_int_eq(n, 14);   /* 10 columns, 2 constraints, 2 indexes */
}

START_TEST(test_facets_of_table)
{
    SctlFacets *f = read_db("a");
    check_posts_parts(f);
    sctl_facets_free(f);
}
END_TEST

/* Hashes taken ahead (beside the reading) are the ones taken on demand,
 * for every relation with facets and for one without ("-"); a change to
 * one part moves its relation's hash alone. */
START_TEST(test_relation_hashes_ahead)
{
    SctlFacets *f = read_db("a");
    char *text = sctl_facets_dump(f);
    SctlFacets *g = sctl_facets_load(text);
    sctl_facets_hash_relations(g);
    static const char *const rels[] = {"users", "posts", "events", "counts",
                                       "user_posts", "nosuch"};
    for (size_t i = 0; i < sizeof rels / sizeof *rels; i++) {
        char now[17], ahead[17];
        sctl_facets_relation_hash(f, "app", rels[i], now);
        sctl_facets_relation_hash(g, "app", rels[i], ahead);
        ck_assert_str_eq(ahead, now);
        ck_assert_int_eq(strcmp(now, "-") == 0, i == 5);
    }
    char *edited = strdup(text);
    char *type = strstr(edited, "Kcolumn\x1f" "app\x1f" "posts\x1f");
    ck_assert(type != NULL);
    type = strstr(type, "\nFtype\t");
    ck_assert(type != NULL);
    type[7] = type[7] == 'x' ? 'y' : 'x';   /* the type's first letter */
    SctlFacets *h = sctl_facets_load(edited);
    ck_assert(h != NULL);
    sctl_facets_hash_relations(h);
    char a[17], b[17];
    sctl_facets_relation_hash(g, "app", "posts", a);
    sctl_facets_relation_hash(h, "app", "posts", b);
    ck_assert_str_ne(a, b);
    sctl_facets_relation_hash(g, "app", "users", a);
    sctl_facets_relation_hash(h, "app", "users", b);
    ck_assert_str_eq(a, b);
    free(edited);
    free(text);
    sctl_facets_free(f);
    sctl_facets_free(g);
    sctl_facets_free(h);
}
END_TEST

/* ------------------------------------------------------------ dump/load */

START_TEST(test_dump_load_round_trip)
{
    SctlFacets *f = read_db("a");
    char *text = sctl_facets_dump(f);
    SctlFacets *g = sctl_facets_load(text);
    ck_assert(g != NULL);
    char *again = sctl_facets_dump(g);
    ck_assert_str_eq(again, text);
    char d[4096];
    diff(d, sizeof d, f, g);
    ck_assert_str_eq(d, "");
    ck_assert_str_eq(value(g, "table|app|events", "comment"),
                     "tab\there\nnew line\\N back\\slash\r\n\\");
    ck_assert_str_eq(value(g, "view|app|counts", "comment"), "\\N");
    ck_assert(value(g, "view|app|user_posts", "comment") == NULL);
    ck_assert_str_eq(sctl_facet(g, sctl_facet_at(g, 0)->key)->key,
                     sctl_facet_at(f, 0)->key);
    check_posts_parts(g);
    free(text);
    free(again);
    sctl_facets_free(f);
    sctl_facets_free(g);
}
END_TEST

START_TEST(test_load_by_hand)
{
    const char *text = "sctl-facets 2\n"
                       "Kschema\x1f" "s\n"
                       "Facl\t\\N\n"
                       "Fcomment\t\n"
                       "Kcolumn\x1fs\x1ft\x1f" "a\\\\b\n"
                       "Fdefault\t\\\\N\\t\\r\\n\n";
    SctlFacets *f = sctl_facets_load(text);
    ck_assert(f != NULL);
    ck_assert_int_eq(sctl_facet_count(f), 2);
    const SctlFacet *c = sctl_facet_at(f, 0);
    ck_assert_str_eq(c->key, "column\x1fs\x1ft\x1f" "a\\b");
    ck_assert_int_eq(c->kind, SCTL_K_COLUMN);
    ck_assert_str_eq(c->schema, "s");
    ck_assert_str_eq(c->table, "t");
    ck_assert_str_eq(c->name, "a\\b");
    ck_assert_str_eq(c->fields[0].value, "\\N\t\r\n");
    const SctlFacet *s = sctl_facet_at(f, 1);
    ck_assert_str_eq(s->schema, "s");
    ck_assert_str_eq(s->name, "s");
    ck_assert_ptr_null(s->table);
    ck_assert_ptr_null(s->fields[0].value);
    ck_assert_str_eq(s->fields[1].value, "");
    char *back = sctl_facets_dump(f);
    SctlFacets *g = sctl_facets_load(back);
    char *again = sctl_facets_dump(g);
    ck_assert_str_eq(again, back);
    free(back);
    free(again);
    sctl_facets_free(f);
    sctl_facets_free(g);
}
END_TEST

static const char *const bad_dumps[] = {
    "",
    "sctl-facets 3\n",
    "sctl-facets 1\n",  /* the old reader's cache: never compared */
    "sctl-facets 2",
    "sctl-facets 2\nFname\tvalue\n",
    "sctl-facets 2\nKnosuchkind\x1fx\n",
    "sctl-facets 2\nKrole\n",
    "sctl-facets 2\nKtable\x1fonly\n",
    "sctl-facets 2\nKrole\x1fr\x1f" "extra\n",
    "sctl-facets 2\nKrole\x1fr\nFno tab\n",
    "sctl-facets 2\nKrole\x1fr\nFlogin\t\\q\n",
    "sctl-facets 2\nKrole\x1fr\nFlogin\tt",
    "sctl-facets 2\nKrole\x1fr\nXjunk\n",
};

START_TEST(test_load_rejects)
{
    ck_assert_msg(sctl_facets_load(bad_dumps[_i]) == NULL, "loaded: %s",
                  bad_dumps[_i]);
}
END_TEST

START_TEST(test_load_empty)
{
    SctlFacets *f = sctl_facets_load("sctl-facets 2\n");
    ck_assert(f != NULL);
    ck_assert_int_eq(sctl_facet_count(f), 0);
    ck_assert_ptr_null(sctl_facet(f, "role\x1fx"));
    ck_assert_ptr_null(sctl_facet_at(f, 0));
    char *d = sctl_facets_dump(f);
    ck_assert_str_eq(d, "sctl-facets 2\n");
    free(d);
    sctl_facets_free(f);
}
END_TEST

/* ------------------------------------------------------------ scale */

#define BIG_TABLES 10000
#define BIG_BATCH 1000

/*
 * Each table: 4 columns, 2 indexes, a foreign key, RLS, 3 policies and a
 * comment.  The key refers to the table itself: 10,000 keys to one table
 * would give it 20,000 triggers and make building the database take
 * minutes.  Batches keep each transaction within the lock table.
 */
static const char BIG_BATCH_SQL[] =
    "DO $$ BEGIN FOR i IN %d..%d LOOP EXECUTE format("
    "'CREATE TABLE big.t%%1$s (id int PRIMARY KEY,"
    " parent_id int REFERENCES big.t%%1$s (id), name text NOT NULL,"
    " created timestamptz DEFAULT now());"
    " CREATE INDEX t%%1$s_name ON big.t%%1$s (name);"
    " ALTER TABLE big.t%%1$s ENABLE ROW LEVEL SECURITY;"
    " CREATE POLICY r ON big.t%%1$s FOR SELECT USING (parent_id = 1);"
    " CREATE POLICY w ON big.t%%1$s FOR INSERT WITH CHECK (name <> '''');"
    " CREATE POLICY d ON big.t%%1$s FOR DELETE TO app_admin USING (true);"
    " COMMENT ON TABLE big.t%%1$s IS ''table %%1$s''', i);"
    " END LOOP; END $$";

/* Tables from..to, in batches (the schema with the first). */
static void make_big(PGconn *c, int from, int to)
{
    const char *head[] = {"CREATE SCHEMA big", NULL};
    if (from == 1)
        run_all(c, head);
    for (int lo = from; lo <= to; lo += BIG_BATCH) {
        char sql[sizeof BIG_BATCH_SQL + 32];
        snprintf(sql, sizeof sql, BIG_BATCH_SQL, lo, lo + BIG_BATCH - 1);
        const char *one[] = {sql, NULL};
        run_all(c, one);
    }
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec)
        + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static SctlFacets *timed_read(PGconn *c, double *secs)
{
    const char *const schemas[] = {"big"};
    char *err = NULL;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    SctlFacets *f = sctl_read_facets(c, schemas, 1, &err);
    *secs = seconds_since(&t0);
    ck_assert_msg(f != NULL, "%s", err ? err : "?");
    return f;
}

static void check_big(const SctlFacets *f)
{
    int in_big = 0;
    for (int i = 0; i < sctl_facet_count(f); i++) {
        const char *s = sctl_facet_at(f, i)->schema;
        in_big += s && strcmp(s, "big") == 0;
    }
    /* the schema; per table: itself, 4 columns, 2 constraints, 2 indexes,
     * 3 policies */
    ck_assert_int_eq(in_big, 1 + BIG_TABLES * 12);
    ck_assert_str_eq(value(f, "table|big|t77", "comment"), "table 77");
    ck_assert_str_eq(value(f, "policy|big|t77|w", "check"),
                     "(name <> ''::text)");
    const SctlFacet **parts;
    int np;
    sctl_facets_of_table(f, "big", "t9999", &parts, &np);
    ck_assert_int_eq(np, 11);
}

/* Dump and load of the big map, timed: the normal-form cache. */
static void time_dump_load(const SctlFacets *f)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char *text = sctl_facets_dump(f);
    double dump = seconds_since(&t0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    SctlFacets *g = sctl_facets_load(text);
    double load = seconds_since(&t0);
    ck_assert(g != NULL);
    check_big(g);
    printf("facets: dump %.3f s (%zu bytes), load %.3f s\n", dump,
           strlen(text), load);
    free(text);
    sctl_facets_free(g);
}

static double cold_read(SctlFacets **f)
{
    PGconn *c = connect_db("big");
    double secs;
    *f = timed_read(c, &secs);
    PQfinish(c);
    return secs;
}

/*
 * The first read in a new session pays for PostgreSQL building its
 * relation cache (pg_get_indexdef and pg_get_expr open each table); a
 * second read on the same session does not.  Times on a shared machine
 * vary several-fold, so what is checked is that reading is linear: ten
 * times the tables may take at most thirty times as long as the first
 * thousand (a quadratic plan took 19 s, a hundred times).  The figures
 * are printed; make bench measures against targets.
 */
START_TEST(test_read_10000_tables)
{
    PGconn *c = connect_db("postgres");
    const char *mk[] = {"CREATE DATABASE big", NULL};
    run_all(c, mk);
    PQfinish(c);
    c = connect_db("big");
    make_big(c, 1, BIG_BATCH);
    SctlFacets *f;
    double small = cold_read(&f);
    sctl_facets_free(f);
    make_big(c, BIG_BATCH + 1, BIG_TABLES);
    PQfinish(c);
    double cold = cold_read(&f);
    c = connect_db("big");
    double warm;
    sctl_facets_free(timed_read(c, &warm));
    printf("facets: read %d facets of %d tables: %.3f s in a new session,"
           " %.3f s again; %d tables: %.3f s\n", sctl_facet_count(f),
           BIG_TABLES, cold, warm, BIG_BATCH, small);
    check_big(f);
    time_dump_load(f);
    fflush(stdout);
    ck_assert_msg(cold < 30 * small, "10,000 tables took %.3f s, 1,000 "
                  "%.3f s", cold, small);
    sctl_facets_free(f);
    PQfinish(c);
}
END_TEST

/* ------------------------------------------------------------ suite */

/* ------------------------------------------------------------ renames */

/* A table renamed from "old" with a column renamed from "c0", and an enum
 * label renamed from 'was'; the live catalog as a dump holding `keys`
 * (facets of these kinds, no fields but the enum's labels). */
static const SctlObject rename_objects[] = {
    {.kind = SCTL_K_TABLE, .schema = "s", .name = "new", .parent = -1,
     .make = -1, .renamed_from = "old"},
    {.kind = SCTL_K_COLUMN, .schema = "s", .table = "new", .name = "c",
     .parent = 0, .make = -1, .renamed_from = "c0"},
    {.kind = SCTL_K_TYPE, .schema = "s", .name = "e", .parent = -1,
     .make = -1, .label_renames = "'now','was'"},
};

static SctlPlan renames_for(const char *dump)
{
    SctlSchema s = {.objects = rename_objects, .nobjects = 3};
    SctlFacets *live = sctl_facets_load(dump);
    ck_assert_ptr_nonnull(live);
    SctlPlan p = {0};
    sctl_renames_find(&s, live, &p);
    sctl_facets_free(live);
    return p;
}

static const char *step_text(const SctlPlan *p, int i)
{
    return p->steps[i].why ? p->steps[i].why : p->steps[i].sql;
}

/* Old name only: renamed, the table first and its column under its new
 * name; new name there: nothing; both: refused, naming both. */
START_TEST(test_renames_decide)
{
    SctlPlan p = renames_for("sctl-facets 2\n"
                             "Kcolumn\x1fs\x1fold\x1f" "c0\n"
                             "Ktable\x1fs\x1fold\n"
                             "Ktype\x1fs\x1f" "e\n"
                             "Flabels\t'was','other'\n");
    ck_assert_int_eq(p.len, 3);
    ck_assert_str_eq(step_text(&p, 0), "ALTER TABLE s.old RENAME TO new");
    ck_assert_str_eq(step_text(&p, 1),
                     "ALTER TABLE s.new RENAME COLUMN c0 TO c");
    ck_assert_str_eq(step_text(&p, 2),
                     "ALTER TYPE s.e RENAME VALUE 'was' TO 'now'");
    sctl_plan_free(&p);

    p = renames_for("sctl-facets 2\n"
                    "Kcolumn\x1fs\x1fnew\x1f" "c\n"
                    "Ktable\x1fs\x1fnew\n"
                    "Ktype\x1fs\x1f" "e\n"
                    "Flabels\t'now'\n");
    ck_assert_int_eq(p.len, 0);
    sctl_plan_free(&p);

    p = renames_for("sctl-facets 2\n"
                    "Kcolumn\x1fs\x1fnew\x1f" "c\n"
                    "Kcolumn\x1fs\x1fnew\x1f" "c0\n"
                    "Ktable\x1fs\x1fnew\n"
                    "Ktable\x1fs\x1fold\n"
                    "Ktype\x1fs\x1f" "e\n"
                    "Flabels\t'now','was'\n");
    ck_assert_int_eq(p.len, 3);
    ck_assert_str_eq(step_text(&p, 0), "table s.new is declared `renamed "
                     "from` table s.old, and both exist: drop one, or take "
                     "`renamed from` out");
    ck_assert_str_eq(step_text(&p, 1), "column s.new.c is declared `renamed "
                     "from` column s.new.c0, and both exist: drop one, or "
                     "take `renamed from` out");
    ck_assert(p.steps[2].why != NULL);
    sctl_plan_free(&p);

    p = renames_for("sctl-facets 2\n");
    ck_assert_int_eq(p.len, 0);
    sctl_plan_free(&p);
}
END_TEST

Suite *make_facets_suite(void)
{
    Suite *s = suite_create("facets");
    TCase *pure = tcase_create("pure");
    tcase_add_test(pure, test_object_key_text);
    tcase_add_test(pure, test_load_by_hand);
    tcase_add_test(pure, test_load_empty);
    tcase_add_test(pure, test_renames_decide);
    tcase_add_loop_test(pure, test_load_rejects, 0,
                        (int)(sizeof bad_dumps / sizeof *bad_dumps));
    suite_add_tcase(s, pure);

    TCase *db = tcase_create("catalog");
    tcase_add_unchecked_fixture(db, server_start, server_stop);
    tcase_set_timeout(db, 600);
    tcase_add_test(db, test_equivalent_databases_read_the_same);
    tcase_add_loop_test(db, test_values, 0, 2);
    tcase_add_test(db, test_function_definition);
    tcase_add_test(db, test_unmanaged_not_read);
    tcase_add_loop_test(db, test_tamper, 0, NTAMPERS);
    tcase_add_loop_test(db, test_tamper_moves_fingerprint, 0, NTAMPERS);
    tcase_add_test(db, test_read_gives_fingerprint_in_own_snapshot);
    tcase_add_test(db, test_share_keeps_map);
    tcase_add_test(db, test_helper_reads_the_same);
    tcase_add_test(db, test_index_definitions_as_pg_get_indexdef);
    tcase_add_test(db, test_relation_hashes_ahead);
    tcase_add_test(db, test_session_left_as_it_was);
    tcase_add_test(db, test_aborted_transaction_is_an_error);
    tcase_add_test(db, test_failed_read_leaves_session_usable);
    tcase_add_test(db, test_object_keys_match_the_reader);
    tcase_add_test(db, test_facets_of_table);
    tcase_add_test(db, test_dump_load_round_trip);
    tcase_add_test(db, test_read_10000_tables);
    suite_add_tcase(s, db);
    return s;
}

#ifndef SCTL_NO_TEST_MAIN
int main(void)
{
    SRunner *sr = srunner_create(make_facets_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
#endif
