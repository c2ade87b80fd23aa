/*
 * import_names.c — whether `schemac import` may leave a name out: when it
 * is the name PostgreSQL itself gives the unnamed object, the compiler
 * (sema_names.c) gives the same one, so the .schema file need not say it.
 *
 * A name is left out only when it is PostgreSQL's first choice (no 1, 2,
 * ... suffix) and nothing else in the schema bears it: then no order in
 * which the compiler names things can make it choose another.
 */
#include "schemac.h"

#include <stdint.h>
#include <string.h>

/* Relation names and constraint names are apart, as in the server: an
 * index is checked against relations only, a check or foreign key against
 * constraints only, a key (index and constraint at once) against both. */
struct ImportNames {
    Arena *arena;
    Map *counts;            /* "r|c\x1fschema\x1fname" -> count */
};

ImportNames *import_names_new(Arena *a)
{
    ImportNames *n = arena_alloc(a, sizeof *n);
    n->arena = a;
    n->counts = map_new(a);
    return n;
}

static const char *key_of(ImportNames *n, bool constraint,
                          const char *schema, const char *name)
{
    return arena_printf(n->arena, "%c\x1f%s\x1f%s", constraint ? 'c' : 'r',
                        schema, name);
}

void import_names_add(ImportNames *n, const char *schema, const char *name,
                      bool constraint)
{
    const char *k = key_of(n, constraint, schema, name);
    uintptr_t c = (uintptr_t)map_get(n->counts, k);
    map_put(n->counts, k, (void *)(c + 1));
}

int import_names_count(ImportNames *n, const char *schema, const char *name,
                       bool constraint)
{
    return (int)(uintptr_t)map_get(n->counts,
                                   key_of(n, constraint, schema, name));
}

/* Who else may hold the name, by label: what the compiler checks a
 * chosen name against (sema_names.c). */
static bool alone(ImportNames *n, const char *schema, const char *name,
                  const char *label)
{
    bool rel = strcmp(label, "check") != 0 && strcmp(label, "fkey") != 0;
    bool con = strcmp(label, "idx") != 0 && strcmp(label, "seq") != 0;
    return (!rel || import_names_count(n, schema, name, false) == 1) &&
           (!con || import_names_count(n, schema, name, true) == 1);
}

/*
 * ChooseIndexName / ChooseConstraintName's first choice: the table and
 * the columns (none for a primary key; for a check, its one column, none
 * when it reads several or none), then the label.
 */
char *import_default_name(Arena *a, const char *table,
                          const char *const *cols, int ncols,
                          const char *label)
{
    const char *name2 = NULL;
    if (strcmp(label, "pkey") == 0)
        name2 = NULL;
    else if (strcmp(label, "check") == 0)
        name2 = ncols == 1 ? cols[0] : NULL;
    else if (ncols > 0)
        name2 = naming_join_columns(a, cols, ncols);
    return naming_make(a, table, name2, label);
}

bool import_name_omittable(ImportNames *n, const char *schema,
                           const char *table, const char *name,
                           const char *const *cols, int ncols,
                           const char *label)
{
    Arena *a = n->arena;
    return strcmp(import_default_name(a, table, cols, ncols, label),
                  name) == 0 &&
           alone(n, schema, name, label);
}
