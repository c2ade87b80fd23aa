/*
 * import_publications.c — publications as `publication` declarations in
 * project.schema: their tables (with column list and row filter), what
 * they publish when it is not all four actions, and comment.  Under
 * platform supabase, Supabase's supabase_realtime is the platform's: only
 * its tables are written, and nothing when it has none; on a live
 * Supabase, the publications its supabase_* roles own are its own.
 */
#include "import.h"

#include <string.h>

static void publish(Buf *b, const ImportRows *P, int i)
{
    static const struct { const char *field, *word; } actions[] = {
        {"ins", "insert"}, {"upd", "update"}, {"del", "delete"},
        {"trunc", "truncate"},
    };
    Buf words = {0};
    int n = 0;
    for (size_t k = 0; k < sizeof actions / sizeof actions[0]; k++)
        if (import_bool(P, i, actions[k].field)) {
            buf_puts(&words, n++ ? ", " : "");
            buf_puts(&words, actions[k].word);
        }
    if (n < 4)
        buf_printf(b, "  publish %s;\n", words.data);
    buf_free(&words);
}

/* table T [(COL, ...)] [where (EXPR)]; for each of its tables. */
static void tables(ImportOut *o, Buf *b, const ImportRows *P, int i,
                   const char *what)
{
    const ImportRows *R = &o->db->rows[IMP_PUBLISHED];
    int n, r0 = import_first(R, import_get(P, i, "owner"), &n);
    for (int r = r0; r >= 0 && r < r0 + n && !o->error; r++) {
        if (!import_bool(R, r, "read")) {
            import_fail(o, "%s publishes %s.%s, a table not imported (the "
                        "language publishes the tables it declares)", what,
                        import_get(R, r, "schema"), import_get(R, r, "name"));
            return;
        }
        buf_puts(b, "  table ");
        import_qname(b, import_get(R, r, "schema"), import_get(R, r, "name"));
        if (!import_null(R, r, "cols"))
            buf_printf(b, " (%s)", import_get(R, r, "cols"));
        if (!import_null(R, r, "filter")) {
            buf_puts(b, " where ");
            import_paren(b, import_fix_arrays(o->arena,
                                              import_get(R, r, "filter")));
        }
        buf_puts(b, ";\n");
    }
}

/* Why the language cannot say publication i, or NULL. */
static const char *refusal(const ImportRows *P, int i, bool platform)
{
    if (import_bool(P, i, "by_schema"))
        return "publishes the tables of a schema (FOR TABLES IN SCHEMA is "
               "not in the language)";
    if (!import_bool(P, i, "ins") && !import_bool(P, i, "upd") &&
        !import_bool(P, i, "del") && !import_bool(P, i, "trunc"))
        return "publishes no action (publish = '' is not in the language)";
    if (import_bool(P, i, "via_root"))
        return "publishes via the partition root (not in the language)";
    if (platform && (import_bool(P, i, "all_tables") ||
                     !import_null(P, i, "comment") ||
                     !import_bool(P, i, "ins") || !import_bool(P, i, "upd") ||
                     !import_bool(P, i, "del") || !import_bool(P, i, "trunc")))
        return "is the platform's, changed (the language only gives it "
               "tables)";
    return NULL;
}

static void write_publication(ImportOut *o, const ImportRows *P, int i)
{
    const char *name = import_get(P, i, "name");
    const char *what = arena_printf(o->arena, "publication %s", name);
    bool platform = o->db->supabase && strcmp(name, "supabase_realtime") == 0;
    int n;
    if (o->db->supabase && !o->db->standin &&
        strncmp(import_get(P, i, "owner_name"), "supabase_", 9) == 0)
        return;                 /* a live Supabase's own (Realtime's) */
    if (platform && !import_bool(P, i, "all_tables") &&
        import_first(&o->db->rows[IMP_PUBLISHED], import_get(P, i, "owner"),
                     &n) < 0 && !refusal(P, i, true))
        return;                 /* the stand-in's or Supabase's, as made */
    const char *why = refusal(P, i, platform);
    if (why) {
        import_fail(o, "%s %s", what, why);
        return;
    }
    if (!platform && !import_owned(o, P, i, what))
        return;
    Buf head = {0}, body = {0};
    buf_puts(&head, "publication ");
    import_ident(&head, name);
    if (import_bool(P, i, "all_tables"))
        buf_puts(&head, " for all tables");
    tables(o, &body, P, i, what);
    publish(&body, P, i);
    import_comment_item(&body, P, i);
    import_put_block(&import_file(o, "project")->text, head.data, &body);
    buf_free(&head);
}

void import_write_publications(ImportOut *o)
{
    const ImportRows *P = &o->db->rows[IMP_PUBLICATIONS];
    for (int i = 0; i < P->n && !o->error; i++)
        write_publication(o, P, i);
}
