/*
 * import_sequences.c — sequences as `sequence` declarations: the options
 * that differ from what PostgreSQL fills in, `owned by` their column, and
 * grants and comment as items.  A serial column's sequence is its
 * column's (import_table.c notes it in o->serials); an identity column's
 * is not read here at all.
 */
#include "import.h"

#include <string.h>

static const char *type_min(const char *type)
{
    return strcmp(type, "smallint") == 0 ? "-32768"
         : strcmp(type, "integer") == 0 ? "-2147483648"
                                         : "-9223372036854775808";
}

static const char *type_max(const char *type)
{
    return strcmp(type, "smallint") == 0 ? "32767"
         : strcmp(type, "integer") == 0 ? "2147483647"
                                         : "9223372036854775807";
}

/* The options PostgreSQL would not fill in by itself, as CREATE SEQUENCE
 * fills them in: bounds by the type and the increment's sign, the start
 * at the bound it counts from. */
static void options(Buf *b, const ImportRows *Q, int i)
{
    const char *type = import_get(Q, i, "type");
    const char *inc = import_get(Q, i, "increment");
    bool down = inc[0] == '-';
    const char *min = down ? type_min(type) : "1";
    const char *max = down ? "-1" : type_max(type);
    if (strcmp(type, "bigint") != 0)
        buf_printf(b, " as %s", type);
    if (strcmp(inc, "1") != 0)
        buf_printf(b, " increment by %s", inc);
    if (strcmp(import_get(Q, i, "start"),
               down ? import_get(Q, i, "max") : import_get(Q, i, "min")))
        buf_printf(b, " start with %s", import_get(Q, i, "start"));
    if (strcmp(import_get(Q, i, "min"), min) != 0)
        buf_printf(b, " minvalue %s", import_get(Q, i, "min"));
    if (strcmp(import_get(Q, i, "max"), max) != 0)
        buf_printf(b, " maxvalue %s", import_get(Q, i, "max"));
    if (strcmp(import_get(Q, i, "cache"), "1") != 0)
        buf_printf(b, " cache %s", import_get(Q, i, "cache"));
    if (import_bool(Q, i, "cycle"))
        buf_puts(b, " cycle");
}

static void write_sequence(ImportOut *o, const ImportRows *Q, int i)
{
    const char *schema = import_get(Q, i, "schema");
    const char *name = import_get(Q, i, "name");
    const char *key = arena_printf(o->arena, "%s.%s", schema, name);
    if (map_get(o->serials, key))
        return;
    const char *what = arena_printf(o->arena, "sequence %s", key);
    if (!import_owned(o, Q, i, what))
        return;
    bool owned_by = !import_null(Q, i, "owned_column");
    if (owned_by && strcmp(import_get(Q, i, "owned_schema"), schema) != 0) {
        import_fail(o, "%s is owned by a column of %s.%s, a table of another "
                    "schema (the language's owned by names one of its own)",
                    what, import_get(Q, i, "owned_schema"),
                    import_get(Q, i, "owned_table"));
        return;
    }
    Buf head = {0}, body = {0};
    buf_puts(&head, "sequence ");
    import_qname(&head, schema, name);
    options(&head, Q, i);
    if (owned_by) {
        buf_puts(&head, " owned by ");
        import_ident(&head, import_get(Q, i, "owned_table"));
        buf_putc(&head, '.');
        import_ident(&head, import_get(Q, i, "owned_column"));
    }
    import_grants(o, &body, Q, i, what);
    import_comment_item(&body, Q, i);
    import_put_block(&import_file(o, schema)->text, head.data, &body);
    buf_free(&head);
}

void import_write_sequences(ImportOut *o)
{
    const ImportRows *Q = &o->db->rows[IMP_SEQUENCES];
    for (int i = 0; i < Q->n && !o->error; i++)
        write_sequence(o, Q, i);
}
