/*
 * sema_sql.c — SQL fragments: parsing them with PostgreSQL's own parser,
 * reporting its errors at their place in the schema file, and resolving
 * the tables, functions, types and columns they name.
 */
#include "sema.h"

#include <string.h>

static bool word_char(unsigned char c)
{
    return c == '_' || c >= 0x80 || (c >= '0' && c <= '9') ||
           ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* The length of the name at off (auth.uid too), so the caret underlines
 * all of it. */
static size_t word_len(const Source *src, size_t off, size_t end)
{
    size_t n = 0;
    const char *t = src->text + off;
    while (off + n < end &&
           (word_char((unsigned char)t[n]) ||
            (t[n] == '.' && n > 0 && off + n + 1 < end &&
             word_char((unsigned char)t[n + 1]))))
        n++;
    return n ? n : 1;
}

static void error_in_frag(Sema *s, const Frag *f, long off, const char *fmt,
                          ...) __attribute__((format(printf, 4, 5)));

static void error_in_frag(Sema *s, const Frag *f, long off, const char *fmt,
                          ...)
{
    if (off < 0)
        off = 0;
    if ((size_t)off > f->len)
        off = (long)f->len;
    size_t at = f->off + (size_t)off;
    va_list ap;
    va_start(ap, fmt);
    diag_vat(s->diag, DIAG_ERROR, f->src, at,
             word_len(f->src, at, f->off + f->len), fmt, ap);
    va_end(ap);
}

/* The caret under the schema of a qualified name only. */
static void error_at_schema(Sema *s, const Frag *f, long off,
                            const char *schema, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void error_at_schema(Sema *s, const Frag *f, long off,
                            const char *schema, const char *fmt, ...)
{
    if (off < 0)
        off = 0;
    if ((size_t)off > f->len)
        off = (long)f->len;
    size_t at = f->off + (size_t)off, n = strlen(schema);
    if (at + n > f->off + f->len ||
        strncmp(f->src->text + at, schema, n) != 0)
        n = 1;   /* written quoted, or in another case */
    va_list ap;
    va_start(ap, fmt);
    diag_vat(s->diag, DIAG_ERROR, f->src, at, n, fmt, ap);
    va_end(ap);
}

Json *sema_parse(Sema *s, const char *prefix, const Frag *f,
                 const char *suffix, const char *what)
{
    PgParse r = pgsql_parse(s->trees, prefix, f->src->text + f->off, f->len,
                            suffix);
    if (r.tree)
        return r.tree;
    error_in_frag(s, f, r.error_off, "%s in %s", r.message, what);
    return NULL;
}

Json *sema_stmt(Json *tree, const char *type)
{
    Json *stmts = json_get(tree, "stmts");
    if (json_len(stmts) != 1)
        return NULL;
    return json_get(json_get(json_at(stmts, 0), "stmt"), type);
}

Decl *sema_find_relation(Sema *s, const char *schema, const char *name)
{
    return map_get(s->relations, sema_key(s, schema, name));
}

Column *sema_find_column(Decl *table, const char *name)
{
    for (int i = 0; i < table->columns.len; i++) {
        Column *c = table->columns.items[i];
        if (strcmp(c->name.name, name) == 0)
            return c;
    }
    return NULL;
}

static void add_dep(Sema *s, Vec *deps, Decl *d)
{
    if (!deps || d->external)
        return;
    for (int i = 0; i < deps->len; i++)
        if (deps->items[i] == d)
            return;
    vec_push(s->arena, deps, d);
}

static bool is_system_schema(const char *schema)
{
    return strcmp(schema, "pg_catalog") == 0 ||
           strcmp(schema, "information_schema") == 0;
}

static const char *shown(Sema *s, const char *schema, const char *name)
{
    return schema ? arena_printf(s->arena, "%s.%s", schema, name) : name;
}

/* A ref the parse tree places; off is relative to the fragment. */
typedef struct At {
    const Frag *f;
    long off;
} At;

/* Supabase's schemas come with the platform: say how to get them. */
static void unknown_schema(Sema *s, At at, const char *schema)
{
    bool platform = strcmp(schema, "auth") == 0 ||
                    strcmp(schema, "storage") == 0;
    error_at_schema(s, at.f, at.off, schema, "unknown schema \"%s\"%s",
                    schema, platform ? " (declare `platform supabase;` for "
                                       "Supabase's auth and storage)" : "");
}

static void resolve_relation(Sema *s, const PgRef *r, At at, Vec *deps)
{
    const char *schema = r->schema ? r->schema : s->search_schema;
    Decl *d = sema_find_relation(s, schema, r->name);
    if (!d && !r->schema && strcmp(schema, "public") != 0)
        d = sema_find_relation(s, "public", r->name);
    if (d) {
        add_dep(s, deps, d);
        return;
    }
    if (catalog_is_builtin_relation(r->schema ? r->schema : "pg_catalog",
                                    r->name))
        return;
    if (r->schema && !is_system_schema(r->schema) &&
        !map_get(s->schemas, r->schema))
        unknown_schema(s, at, r->schema);
    else
        error_in_frag(s, at.f, at.off, "unknown table or view \"%s\"%s",
                      shown(s, r->schema, r->name),
                      sema_hint_relation(s, r->schema, r->name));
}

/* Whether an unqualified name finds what is in schema home: the search
 * path is public (or a body's own schema), and with Supabase's
 * `"$user", public, extensions` also extensions (the stand-in sets the
 * same path, so check and apply find the same objects). */
static bool on_search_path(Sema *s, const char *home)
{
    return strcmp(home, "public") == 0 || strcmp(home, "pg_catalog") == 0 ||
           strcmp(home, s->search_schema) == 0 ||
           (s->prog->supabase && strcmp(home, "extensions") == 0);
}

static bool extension_provides(Sema *s, const char *schema,
                               const char *name, bool type)
{
    for (int i = 0; i < s->extension_list.len; i++) {
        Decl *d = s->extension_list.items[i];
        const char *home = d->ext_schema.name ? d->ext_schema.name : "public";
        if (schema ? strcmp(schema, home) != 0 : !on_search_path(s, home))
            continue;
        const char *const *names = type ? catalog_extension_types(d->name.name)
                                        : catalog_extension_functions(d->name.name);
        for (int k = 0; names && names[k]; k++)
            if (strcmp(names[k], name) == 0)
                return true;
    }
    return false;
}

/* The extension that has name in a schema off the search path, or NULL:
 * what an unqualified name that finds nothing may have meant. */
static const Decl *extension_off_path(Sema *s, const char *name, bool type)
{
    for (int i = 0; i < s->extension_list.len; i++) {
        const Decl *d = s->extension_list.items[i];
        const char *const *names = type ? catalog_extension_types(d->name.name)
                                        : catalog_extension_functions(d->name.name);
        for (int k = 0; names && names[k]; k++)
            if (strcmp(names[k], name) == 0)
                return d;
    }
    return NULL;
}

static bool function_exists(Sema *s, const char *schema, const char *name,
                            Vec *deps)
{
    const char *home = schema ? schema : s->search_schema;
    Vec *ov = map_get(s->functions, sema_key(s, home, name));
    if (!ov && !schema)
        ov = map_get(s->functions, sema_key(s, "public", name));
    for (int i = 0; ov && i < ov->len; i++)
        add_dep(s, deps, ov->items[i]);
    if (ov)
        return true;
    if ((!schema || strcmp(schema, "pg_catalog") == 0) &&
        catalog_is_builtin_function(name))
        return true;
    return extension_provides(s, schema, name, false);
}

static void resolve_function(Sema *s, const PgRef *r, At at, Vec *deps)
{
    if (function_exists(s, r->schema, r->name, deps))
        return;
    const Decl *ext = r->schema ? NULL : extension_off_path(s, r->name, false);
    if (ext)
        error_in_frag(s, at.f, at.off, "unknown function \"%s\": extension "
                      "\"%s\" has it in schema \"%s\", which is not on the "
                      "search path; write %s.%s", r->name, ext->name.name,
                      ext->ext_schema.name, ext->ext_schema.name, r->name);
    else if (r->schema && !is_system_schema(r->schema) &&
        !map_get(s->schemas, r->schema))
        unknown_schema(s, at, r->schema);
    else
        error_in_frag(s, at.f, at.off, "unknown function \"%s\"%s",
                      shown(s, r->schema, r->name),
                      sema_hint_function(s, r->schema, r->name));
}

static bool is_serial(const char *name)
{
    static const char *const serials[] = {"serial", "serial4", "bigserial",
        "serial8", "smallserial", "serial2", NULL};
    for (int i = 0; serials[i]; i++)
        if (strcmp(name, serials[i]) == 0)
            return true;
    return false;
}

/* Declared types first (a table is a type too), then built-in ones. */
static bool type_exists(Sema *s, const char *schema, const char *name,
                        Vec *deps)
{
    const char *home = schema ? schema : s->search_schema;
    const char *key = sema_key(s, home, name);
    Decl *d = map_get(s->types, key);
    if (!d)
        d = map_get(s->relations, key);
    if (!d && !schema)
        d = map_get(s->types, sema_key(s, "public", name));
    if (d) {
        add_dep(s, deps, d);
        return true;
    }
    if (!schema || strcmp(schema, "pg_catalog") == 0)
        if (catalog_is_builtin_type(name) || (!schema && is_serial(name)))
            return true;
    return extension_provides(s, schema, name, true);
}

const char *sema_type_schema(Sema *s, const Json *type_name)
{
    Json *names = json_get(type_name, "names");
    const char *name = json_len(names) == 1 ? pgsql_list_string(names, 0)
                                            : NULL;
    if (!name)
        return NULL;
    const char *key = sema_key(s, s->search_schema, name);
    Decl *d = map_get(s->types, key);
    if (!d)
        d = map_get(s->relations, key);
    if (!d)
        d = map_get(s->types, sema_key(s, "public", name));
    if (d)
        return d->schema;
    if (catalog_is_builtin_type(name) || is_serial(name))
        return NULL;
    for (int i = 0; i < s->extension_list.len; i++) {
        const Decl *e = s->extension_list.items[i];
        const char *home = e->ext_schema.name ? e->ext_schema.name : "public";
        const char *const *types = catalog_extension_types(e->name.name);
        for (int k = 0; types && types[k] && on_search_path(s, home); k++)
            if (strcmp(types[k], name) == 0)
                return home;
    }
    return NULL;
}

static void resolve_type_ref(Sema *s, const char *schema, const char *name,
                             At at, Vec *deps)
{
    if (type_exists(s, schema, name, deps))
        return;
    if (schema && !is_system_schema(schema) && !map_get(s->schemas, schema))
        unknown_schema(s, at, schema);
    else
        error_in_frag(s, at.f, at.off, "unknown type \"%s\"%s",
                      shown(s, schema, name),
                      sema_hint_type(s, schema, name));
}

bool sema_resolve_type(Sema *s, const Json *type_name, const Frag *f,
                       size_t prefix_len, Vec *deps)
{
    Json *names = json_get(type_name, "names");
    int n = json_len(names);
    if (n < 1 || n > 2)
        return false;
    const char *name = pgsql_list_string(names, -1);
    const char *schema = n == 2
        ? pgsql_list_string(names, 0) : NULL;
    long loc = json_int(json_get(type_name, "location"), -1);
    At at = {f, loc < 0 ? 0 : loc - (long)prefix_len};
    int before = s->diag->errors;
    if (name)
        resolve_type_ref(s, schema, name, at, deps);
    return s->diag->errors == before;
}

void sema_resolve_type_name(Sema *s, const char *schema, const char *name,
                            const Frag *f, long off, Vec *deps)
{
    resolve_type_ref(s, schema, name, (At){f, off}, deps);
}

static void resolve_column(Sema *s, const PgRef *r, At at, Decl *table)
{
    if (r->depth > 0 || sema_find_column(table, r->name))
        return;
    error_in_frag(s, at.f, at.off, "unknown column \"%s\" in table \"%s\"%s",
                  r->name, table->name.name,
                  sema_hint_column(s, table, r->name));
}

void sema_resolve_refs(Sema *s, const Json *tree, const Frag *f,
                       size_t prefix_len, Decl *table, Vec *deps)
{
    Vec refs = {0};
    pgsql_collect_refs(s->trees, tree, &refs);
    sema_resolve_ref_list(s, &refs, f, prefix_len, table, deps);
}

void sema_resolve_ref_list(Sema *s, const Vec *refs, const Frag *f,
                           size_t prefix_len, Decl *table, Vec *deps)
{
    for (int i = 0; i < refs->len; i++) {
        const PgRef *r = refs->items[i];
        At at = {f, r->location < 0 ? 0 : r->location - (long)prefix_len};
        switch (r->kind) {
        case REF_RELATION: resolve_relation(s, r, at, deps); break;
        case REF_FUNCTION: resolve_function(s, r, at, deps); break;
        case REF_TYPE: resolve_type_ref(s, r->schema, r->name, at, deps);
            break;
        case REF_COLUMN:
            if (table)
                resolve_column(s, r, at, table);
            break;
        }
    }
}
