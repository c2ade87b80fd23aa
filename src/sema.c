/*
 * sema.c — the checker's driver: the platform's declarations added, the
 * expansion pass (sema_expand.c), every declaration registered by name,
 * then the checks, names and order that the sema_*.c files implement.
 */
#include "sema.h"

#include <string.h>

/* What `platform supabase;` provides, as the compiler needs to know it.
 * src/platform/supabase.sql installs the same objects. */
static const char supabase_decls[] =
    "table auth.users { id uuid primary key; email text; phone text unique;\n"
    "  role text; raw_user_meta_data jsonb; raw_app_meta_data jsonb;\n"
    "  created_at timestamptz; updated_at timestamptz; }\n"
    "table auth.schema_migrations { version varchar(255) primary key; }\n"
    "table storage.buckets { id text primary key; name text not null;\n"
    "  public boolean; file_size_limit bigint; allowed_mime_types text[];\n"
    "  owner uuid; created_at timestamptz; updated_at timestamptz; }\n"
    "table storage.objects { id uuid primary key; bucket_id text;\n"
    "  name text; owner uuid; metadata jsonb; path_tokens text[];\n"
    "  created_at timestamptz; updated_at timestamptz;\n"
    "  last_accessed_at timestamptz; }\n"
    "function auth.uid() returns uuid { language sql; stable;\n"
    "  as $$ select null::uuid $$; }\n"
    "function auth.role() returns text { language sql; stable;\n"
    "  as $$ select null::text $$; }\n"
    "function auth.jwt() returns jsonb { language sql; stable;\n"
    "  as $$ select null::jsonb $$; }\n"
    "function auth.email() returns text { language sql; stable;\n"
    "  as $$ select null::text $$; }\n"
    "function storage.foldername(name text) returns text[] {\n"
    "  language sql; immutable; as $$ select null::text[] $$; }\n"
    "function storage.filename(name text) returns text {\n"
    "  language sql; immutable; as $$ select null::text $$; }\n"
    "function storage.extension(name text) returns text {\n"
    "  language sql; immutable; as $$ select null::text $$; }\n"
    "function storage.operation() returns text {\n"
    "  language sql; stable; as $$ select null::text $$; }\n"
    /* Supabase Vault (extension supabase_vault, schema vault). */
    "table vault.secrets { id uuid primary key; name text;\n"
    "  description text not null; secret text not null; key_id uuid;\n"
    "  nonce bytea; created_at timestamptz not null;\n"
    "  updated_at timestamptz not null; }\n"
    "view vault.decrypted_secrets { as select id, name, description,\n"
    "  secret, secret as decrypted_secret, key_id, nonce, created_at,\n"
    "  updated_at from vault.secrets; }\n"
    "function vault.create_secret(new_secret text, new_name text default\n"
    "  null, new_description text default '', new_key_id uuid default null)\n"
    "  returns uuid { language sql; volatile; as $$ select null::uuid $$; }\n"
    "function vault.update_secret(secret_id uuid, new_secret text default\n"
    "  null, new_name text default null, new_description text default null,\n"
    "  new_key_id uuid default null) returns void {\n"
    "  language sql; volatile; as $$ select $$; }\n"
    /* Preinstalled on every Supabase project, in schema extensions
     * (pgjwt too, which Debian's PostgreSQL does not ship: left out, so
     * that the stand-in can have all that the compiler assumes). */
    "extension \"uuid-ossp\" schema extensions;\n"
    "extension pgcrypto schema extensions;\n"
    "extension pg_stat_statements schema extensions;\n";

/* The API roles, and those of the platform's own services that
 * migrations grant to (an auth hook runs as supabase_auth_admin). */
static const char *const supabase_roles[] = {
    "anon", "authenticated", "service_role", "postgres", "authenticator",
    "supabase_auth_admin", "supabase_storage_admin", "dashboard_user", NULL};
/* graphql and graphql_public are pg_graphql's, vault supabase_vault's. */
static const char *const supabase_schemas[] = {
    "auth", "storage", "extensions", "vault", "graphql", "graphql_public",
    NULL};

bool sema_supabase_role(const char *name)
{
    for (int i = 0; supabase_roles[i]; i++)
        if (strcmp(name, supabase_roles[i]) == 0)
            return true;
    return false;
}

bool sema_platform_schema(const Program *p, const char *name)
{
    if (strcmp(name, "public") == 0)
        return true;
    for (int i = 0; p->supabase && supabase_schemas[i]; i++)
        if (strcmp(name, supabase_schemas[i]) == 0)
            return true;
    return false;
}

/* Markers for things that exist without a declaration. */
static char platform_marker;

/* Parses the platform's declarations and marks them as provided. */
static void add_platform(Sema *s, Vec *decls)
{
    Source *src = source_from_text(s->arena, "<platform supabase>",
                                   supabase_decls, sizeof supabase_decls - 1);
    TokenList tl = lex_source(s->arena, src, s->diag);
    Program stub = {0};
    parse_file(s->arena, &stub, &tl, s->diag);
    for (int i = 0; i < stub.decls.len; i++) {
        Decl *d = stub.decls.items[i];
        d->external = true;
        vec_push(s->arena, decls, d);
    }
    for (int i = 0; supabase_roles[i]; i++)
        map_put(s->roles, supabase_roles[i], &platform_marker);
    for (int i = 0; supabase_schemas[i]; i++)
        map_put(s->schemas, supabase_schemas[i], &platform_marker);
}

static void find_platform(Sema *s)
{
    Vec decls = {0};
    for (int i = 0; i < s->prog->decls.len; i++) {
        Decl *d = s->prog->decls.items[i];
        if (d->kind != DECL_PLATFORM)
            continue;
        if (strcmp(d->name.name, "supabase") != 0)
            sema_error(s, d->name.tok, "unknown platform \"%s\"; the "
                       "known platform is \"supabase\"", d->name.name);
        else if (!s->prog->supabase) {
            s->prog->supabase = true;
            add_platform(s, &decls);
        }
    }
    for (int i = 0; i < s->prog->decls.len; i++)
        vec_push(s->arena, &decls, s->prog->decls.items[i]);
    s->prog->decls = decls;
}

static void duplicate(Sema *s, Decl *d, Decl *prev, const char *what)
{
    const Token *t = d->name.tok;
    diag_at(s->diag, DIAG_ERROR, t->src, t->off, d->name.len,
            "%s \"%s\" is declared twice", what, d->name.schema
            ? arena_printf(s->arena, "%s.%s", d->name.schema, d->name.name)
            : d->name.name);
    if (!prev->external)
        diag_at(s->diag, DIAG_NOTE, prev->name.tok->src, prev->name.tok->off,
                prev->name.len, "first declared here");
}

/* Tables, views and composite types share one name space (pg_class), and
 * every table is also a type (its row type). */
static void register_relation(Sema *s, Decl *d)
{
    const char *key = sema_key(s, d->schema, d->name.name);
    Decl *prev = map_get(s->relations, key);
    if (!prev)
        prev = map_get(s->types, key);
    if (prev && sema_extend_platform_table(s, d, prev))
        return;
    if (prev)
        duplicate(s, d, prev, decl_kind_name(d->kind));
    else if (d->kind == DECL_TYPE || d->kind == DECL_ENUM ||
             d->kind == DECL_DOMAIN)
        map_put(s->types, key, d);
    else
        map_put(s->relations, key, d);
}

static void register_function(Sema *s, Decl *d)
{
    const char *key = sema_key(s, d->schema, d->name.name);
    Vec *overloads = map_get(s->functions, key);
    if (!overloads) {
        overloads = arena_alloc(s->arena, sizeof *overloads);
        map_put(s->functions, key, overloads);
    }
    vec_push(s->arena, overloads, d);
}

/* What the platform has may be declared again (an extension Supabase
 * preinstalls, written as its migrations write it).  d itself may be
 * there already: templates are indexed before registration. */
static void register_named(Sema *s, Map *m, Decl *d, const char *what)
{
    Decl *prev = map_get(m, d->name.name);
    if (prev && prev != d && prev != (void *)&platform_marker &&
        !prev->external)
        duplicate(s, d, prev, what);
    else if (!prev || d->kind != DECL_ROLE)
        map_put(m, d->name.name, d);
}

void sema_decl_schema(Decl *d)
{
    if (d->kind == DECL_SCHEMA)
        d->schema = d->name.name;
    else if (d->kind == DECL_BUCKET)
        d->schema = "storage";
    else
        d->schema = d->name.schema ? d->name.schema : "public";
}

static void register_decl(Sema *s, Decl *d)
{
    if (d->kind == DECL_TEST)
        return;  /* names no database object: sema_tests checks it */
    if (d->name.schema)
        sema_check_length(s, d->name.tok, d->name.schema, "schema");
    sema_check_length(s, d->name.tok, d->name.name, decl_kind_name(d->kind));
    switch (d->kind) {
    case DECL_PLATFORM:
    case DECL_TEST:
    case DECL_PUBLICATION:
    case DECL_ROWS: break;  /* sema_publication.c, sema_rows.c */
    case DECL_EXTENSION:
        register_named(s, s->extensions, d, "extension");
        vec_push(s->arena, &s->extension_list, d);
        break;
    case DECL_ROLE: register_named(s, s->roles, d, "role"); break;
    case DECL_SCHEMA:
        register_named(s, s->schemas, d, "schema");
        break;
    case DECL_TEMPLATE: register_named(s, s->templates, d, "template");
        break;
    case DECL_BUCKET:
        register_named(s, s->buckets, d, "bucket");
        break;
    case DECL_FUNCTION: register_function(s, d); break;
    case DECL_ENUM:
    case DECL_DOMAIN:
    case DECL_TYPE:
    case DECL_TABLE:
    case DECL_VIEW:
    case DECL_MATVIEW:
    case DECL_SEQUENCE: register_relation(s, d); break;
    }
}

/* Schemas used but not declared are created too; tell them apart. */
static void imply_schemas(Sema *s)
{
    static char implied;
    for (int i = 0; i < s->prog->decls.len; i++) {
        Decl *d = s->prog->decls.items[i];
        if (d->name.schema && !map_get(s->schemas, d->name.schema) &&
            strcmp(d->name.schema, "public") != 0)
            map_put(s->schemas, d->name.schema, &implied);
    }
}

/* Every declaration checked, the full list known and registered.  A
 * schema's grants `on all` are spread first: which objects they cover
 * needs registration (a platform table declared again is not covered). */
static void check_decls(Sema *s)
{
    Vec *decls = &s->prog->decls;
    sema_expand_grants_on_all(s);
    for (int i = 0; i < decls->len; i++)
        if (((Decl *)decls->items[i])->kind == DECL_TABLE)
            sema_find_keys(s, decls->items[i]);
    for (int i = 0; i < decls->len; i++) {
        Decl *d = decls->items[i];
        if (d->kind == DECL_TABLE)
            sema_table(s, d);
        for (int k = 0; d->kind == DECL_TABLE && k < d->items.len; k++)
            if (((Item *)d->items.items[k])->kind == ITEM_REPLICA)
                sema_replica(s, d, d->items.items[k]);
        arena_reset(s->trees);
    }
    for (int i = 0; i < decls->len; i++) {
        Decl *d = decls->items[i];
        if (d->kind == DECL_VIEW || d->kind == DECL_MATVIEW)
            sema_view(s, d);
        else if (d->kind == DECL_BUCKET)
            sema_bucket(s, d);
        else if (d->kind == DECL_FUNCTION)
            sema_function(s, d);
        else if (d->kind == DECL_PUBLICATION)
            sema_publication(s, d);
        else if (d->kind == DECL_SEQUENCE)
            sema_sequence(s, d);
        else if (d->kind == DECL_ROWS)
            sema_rows(s, d);
        else if (d->kind != DECL_TABLE && d->kind != DECL_TEMPLATE &&
                 d->kind != DECL_PLATFORM && d->kind != DECL_TEST)
            sema_decl(s, d);
        arena_reset(s->trees);
    }
    sema_default_privs(s);
    sema_tests(s);
    sema_ignores(s);
}

/* Names are chosen in declaration order, as PostgreSQL would choose them
 * for the same statements written in that order. */
static void choose_names(Sema *s)
{
    sema_take_given_names(s);
    for (int i = 0; i < s->prog->decls.len; i++) {
        Decl *d = s->prog->decls.items[i];
        if (d->kind == DECL_TABLE || d->kind == DECL_MATVIEW)
            sema_table_names(s, d);
    }
}

void sema_check(Arena *a, Program *p, Diag *d)
{
    Sema s = {.arena = a, .trees = arena_new(), .prog = p, .diag = d,
              .relations = map_new(a), .types = map_new(a),
              .functions = map_new(a), .templates = map_new(a),
              .roles = map_new(a), .schemas = map_new(a),
              .extensions = map_new(a), .rel_names = map_new(a),
              .con_names = map_new(a), .search_schema = "public",
              .type_cache = map_new(a), .expr_cache = map_new(a),
              .buckets = map_new(a), .bucket_policies = map_new(a)};
    int before = d->errors;   /* d may hold another compilation's */
    map_put(s.schemas, "public", &platform_marker);
    find_platform(&s);
    sema_expand(&s);
    for (int i = 0; i < p->decls.len; i++) {
        Decl *decl = p->decls.items[i];
        decl->ordinal = i;
        register_decl(&s, decl);
    }
    imply_schemas(&s);
    check_decls(&s);
    if (d->errors == before)
        choose_names(&s);
    if (d->errors == before)
        sema_renames(&s);
    if (d->errors == before)
        sema_values(&s);
    if (d->errors == before)
        order_units(a, p, d);
    arena_free(s.trees);
}
