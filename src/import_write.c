/*
 * import_write.c — the catalog read as .schema files: one per schema
 * (its types, tables, sequences, views, functions and procedures),
 * storage.schema for buckets, and project.schema for the platform,
 * publications, extensions, database-wide default privileges and roles.  Kinds are
 * written in turn, each by its own writer; the first object the language
 * cannot say stops the whole.
 */
#include "import.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

ImportFile *import_file(ImportOut *o, const char *schema)
{
    ImportFile *f = map_get(o->by_name, schema);
    if (!f) {
        f = arena_alloc(o->arena, sizeof *f);
        f->name = arena_strdup(o->arena, schema);
        map_put(o->by_name, schema, f);
        vec_push(o->arena, &o->files, f);
    }
    return f;
}

void import_fail(ImportOut *o, const char *fmt, ...)
{
    if (o->error)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    o->error = arena_alloc(o->arena, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(o->error, (size_t)n + 1, fmt, ap);
    va_end(ap);
}

static void count_names(ImportDb *db)
{
    const ImportRows *N = &db->rows[IMP_NAMES];
    db->names = import_names_new(db->arena);
    for (int i = 0; i < N->n; i++)
        import_names_add(db->names, import_get(N, i, "schema"),
                         import_get(N, i, "name"),
                         import_bool(N, i, "constraint"));
    /* `replica identity using index NAME` names an index or key declared
     * with its name: counted twice, the name is never left out */
    const ImportRows *T = &db->rows[IMP_TABLES];
    for (int i = 0; i < T->n; i++)
        if (!import_null(T, i, "replident_index")) {
            const char *schema = import_get(T, i, "schema");
            const char *ix = import_get(T, i, "replident_index");
            import_names_add(db->names, schema, ix, false);
            import_names_add(db->names, schema, ix, true);
        }
}

/* project.schema first in the listing, the platform first in it. */
static void project_head(ImportOut *o)
{
    Buf *b = &import_file(o, "project")->text;
    buf_puts(b, "-- Written by schemac import.\n");
    if (o->db->supabase)
        buf_puts(b, "\nplatform supabase;\n");
}

bool import_write(ImportOut *o)
{
    static void (*const writers[])(ImportOut *) = {
        import_write_unsayable, import_write_schemas, import_write_types,
        import_write_tables,    import_write_sequences, import_write_views,
        import_write_functions, import_write_buckets, import_write_platform,
        import_write_publications, import_write_extensions,
        import_write_default_privs, import_write_roles,
    };
    o->by_name = map_new(o->arena);
    o->roles = map_new(o->arena);
    o->serials = map_new(o->arena);
    o->bucket_policies = map_new(o->arena);
    count_names((ImportDb *)o->db);
    project_head(o);
    for (size_t i = 0; i < sizeof writers / sizeof writers[0]; i++) {
        writers[i](o);
        if (o->error)
            return false;
    }
    return true;
}
