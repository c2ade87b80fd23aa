/*
 * import_table.c — a table as the language says it: its columns with the
 * constraints on one column written on that column, then the constraints
 * on several, its indexes, partitions, row level security, policies,
 * grants, triggers and comment (import_table_items.c writes those).
 */
#include "import_table.h"

#include <string.h>

int import_split(Arena *a, const char *list, const char ***out)
{
    Vec v = {0};
    for (const char *p = list; *p;) {
        size_t n = strcspn(p, "\x1f");
        vec_push(a, &v, arena_strndup(a, p, n));
        p += n + (p[n] == '\x1f');
    }
    *out = (const char **)v.items;
    return v.len;
}

/* ------------------------------------------------------ column parts */

/* A default is one term unless it needs parentheses: a call, a literal
 * with or without a cast, a number, a boolean. */
static bool is_term(const char *e)
{
    size_t n = strlen(e);
    if (strspn(e, "0123456789.") == n || strcmp(e, "true") == 0 ||
        strcmp(e, "false") == 0)
        return n > 0;
    if (e[0] == '\'') {
        size_t i = 1;
        for (; e[i] && (e[i] != '\'' || e[i + 1] == '\''); i++)
            if (e[i] == '\'')
                i++;
        if (!e[i])
            return false;
        const char *rest = e + i + 1;
        return !*rest || (strncmp(rest, "::", 2) == 0 &&
                          strcspn(rest, " ()") == strlen(rest));
    }
    size_t id = strspn(e, "abcdefghijklmnopqrstuvwxyz0123456789_.");
    return id > 0 && e[id] == '(' && import_wrapped(e + id) &&
           !(e[0] >= '0' && e[0] <= '9');
}

static const char *fk_action(char code)
{
    switch (code) {
    case 'r': return "restrict";
    case 'c': return "cascade";
    case 'n': return "set null";
    case 'd': return "set default";
    default: return NULL;       /* 'a', no action: the default */
    }
}

/* references T (C, ...) [match full] [on delete A] [on update A] [...] */
void import_references(ImportTable *t, int k)
{
    const ImportRows *K = t->K;
    Buf *b = t->b;
    const char **cols;
    int n = import_split(t->o->arena, import_get(K, k, "ref_cols"), &cols);
    buf_puts(b, "references ");
    import_qname(b, import_get(K, k, "ref_schema"),
                 import_get(K, k, "ref_table"));
    buf_puts(b, " (");
    for (int i = 0; i < n; i++) {
        buf_puts(b, i ? ", " : "");
        import_ident(b, cols[i]);
    }
    buf_puts(b, ")");
    if (strcmp(import_get(K, k, "match"), "f") == 0)
        buf_puts(b, " match full");
    const char *del = fk_action(import_get(K, k, "on_delete")[0]);
    const char *upd = fk_action(import_get(K, k, "on_update")[0]);
    if (del)
        buf_printf(b, " on delete %s", del);
    if (upd)
        buf_printf(b, " on update %s", upd);
    if (import_bool(K, k, "deferrable"))
        buf_puts(b, import_bool(K, k, "deferred")
                        ? " deferrable initially deferred" : " deferrable");
}

/* "constraint NAME " unless the name is PostgreSQL's own. */
void import_constraint_name(ImportTable *t, int k)
{
    const ImportRows *K = t->K;
    const char *type = import_get(K, k, "type");
    const char *label = type[0] == 'p' ? "pkey" : type[0] == 'u' ? "key"
                      : type[0] == 'x' ? "excl" : type[0] == 'f' ? "fkey"
                      : "check";
    bool key = strchr("pux", type[0]) != NULL;
    const char **cols;
    int n = import_split(t->o->arena, import_get(K, k, key ? "index_cols"
                                                            : "cols"),
                         &cols);
    const char *name = import_get(K, k, "name");
    if (import_name_omittable(t->o->db->names, t->schema, t->name, name,
                              cols, n, label))
        return;
    buf_puts(t->b, "constraint ");
    import_ident(t->b, name);
    buf_puts(t->b, " ");
}

/* The constraint as a column's or a table's, after its name.  A check's
 * definition is "CHECK (expr)[ NO INHERIT]", written as the language
 * writes it. */
void import_constraint_body(ImportTable *t, int k, bool on_column)
{
    const ImportRows *K = t->K;
    const char *def = import_fix_arrays(t->o->arena, import_get(K, k, "def"));
    Buf *b = t->b;
    switch (import_get(K, k, "type")[0]) {
    case 'p':
        buf_puts(b, on_column ? "primary key" : "primary key ");
        if (!on_column)
            buf_puts(b, def + strlen("PRIMARY KEY "));
        break;
    case 'u': {
        bool nnd = strncmp(def, "UNIQUE NULLS NOT DISTINCT", 25) == 0;
        buf_puts(b, nnd ? "unique nulls not distinct" : "unique");
        if (!on_column)
            buf_printf(b, " %s", def + (nnd ? 26 : 7));
        break;
    }
    case 'c': {
        const char *ni = strstr(def, " NO INHERIT");
        size_t n = ni && ni[11] == '\0' ? (size_t)(ni - def) : strlen(def);
        buf_printf(b, "check %.*s%s", (int)(n - 6), def + 6,
                   n < strlen(def) ? " no inherit" : "");
        break;
    }
    case 'f':
        if (!on_column) {
            const char *refs = strstr(def, ") REFERENCES ");
            buf_printf(b, "foreign key %.*s) ",
                       refs ? (int)(refs - def - 12) : 0, def + 12);
        }
        import_references(t, k);
        break;
    case 'x':
        buf_printf(b, "exclude %s", def + strlen("EXCLUDE "));
        break;
    default:
        import_fail(t->o, "constraint %s on %s.%s: unknown kind",
                    import_get(K, k, "name"), t->schema, t->name);
    }
}

/* Why the language cannot say constraint k, or NULL. */
static const char *unsayable_constraint(const ImportRows *K, int k)
{
    const char *type = import_get(K, k, "type");
    if (!import_bool(K, k, "validated"))
        return "is NOT VALID";
    if (strchr("pux", type[0]) && import_bool(K, k, "deferrable"))
        return "is deferrable";
    if (import_bool(K, k, "index_unusual"))
        return "has index storage parameters or a tablespace";
    if (import_bool(K, k, "delete_set_cols"))
        return "sets only some columns on delete";
    if (type[0] == 'f' && strcmp(import_get(K, k, "match"), "p") == 0)
        return "is MATCH PARTIAL";
    if (!import_null(K, k, "index_comment"))
        return "has an index with a comment of its own (the language "
               "comments the constraint, not its index)";
    if (!strchr("puxfc", type[0]))
        return "is of a kind the language does not have";
    return NULL;
}

/* Whether constraint k is written on column col: it is on that column
 * alone and the language has the column form of it. */
static bool on_column(ImportTable *t, int k, const char *col)
{
    const ImportRows *K = t->K;
    const char **cols;
    int n = import_split(t->o->arena, import_get(K, k, "cols"), &cols);
    if (n != 1 || strcmp(cols[0], col) != 0 ||
        !import_null(K, k, "comment"))   /* a comment: the table's item */
        return false;
    Buf want = {0};
    const char *type = import_get(K, k, "type");
    const char *def = import_get(K, k, "def");
    bool ok = true;
    if (type[0] == 'p' || type[0] == 'u') {
        buf_puts(&want, type[0] == 'p' ? "PRIMARY KEY (" : "UNIQUE (");
        quote_ident(&want, col);
        buf_puts(&want, ")");
        ok = strcmp(def, want.data) == 0 ||
             (type[0] == 'u' && strncmp(def, "UNIQUE NULLS NOT DISTINCT (",
                                        27) == 0 &&
              strcmp(def + 27, want.data + 8) == 0);
    } else
        ok = type[0] == 'f' || type[0] == 'c';
    buf_free(&want);
    return ok;
}

/* The column's own constraints, each once, in the language's order. */
static void column_constraints(ImportTable *t, const char *col,
                               const char *order)
{
    for (const char *ty = order; *ty; ty++)
        for (int k = t->con0; k < t->con0 + t->ncons; k++) {
            if (t->con_done[k - t->con0] ||
                import_get(t->K, k, "type")[0] != *ty ||
                !on_column(t, k, col))
                continue;
            t->con_done[k - t->con0] = true;
            buf_puts(t->b, " ");
            import_constraint_name(t, k);
            import_constraint_body(t, k, true);
        }
}

/* Whether column col is in the primary key. */
static bool in_primary_key(ImportTable *t, const char *col)
{
    for (int k = t->con0; k < t->con0 + t->ncons; k++) {
        if (import_get(t->K, k, "type")[0] != 'p')
            continue;
        const char **cols;
        int n = import_split(t->o->arena, import_get(t->K, k, "cols"), &cols);
        for (int i = 0; i < n; i++)
            if (strcmp(cols[i], col) == 0)
                return true;
    }
    return false;
}

/* --------------------------------------------------- serial, identity */

static const char *type_max(const char *type)
{
    return strcmp(type, "smallint") == 0 ? "32767"
         : strcmp(type, "integer") == 0 ? "2147483647"
                                         : "9223372036854775807";
}

/* The sequence holds the settings a new one of its type gets. */
static bool default_sequence(const ImportRows *C, int c)
{
    return strcmp(import_get(C, c, "seqstart"), "1") == 0 &&
           strcmp(import_get(C, c, "seqincrement"), "1") == 0 &&
           strcmp(import_get(C, c, "seqmin"), "1") == 0 &&
           strcmp(import_get(C, c, "seqmax"),
                  type_max(import_get(C, c, "seq_type"))) == 0 &&
           strcmp(import_get(C, c, "seqcache"), "1") == 0 &&
           !import_bool(C, c, "seqcycle");
}

/* Why the owned sequence of column c cannot be left to the column (its
 * name not the default one, grants, a comment), or NULL. */
static const char *sequence_apart(ImportTable *t, int c)
{
    const ImportRows *C = t->C;
    const char *col = import_get(C, c, "name");
    const char *seq = import_get(C, c, "seq_name");
    if (!import_name_omittable(t->o->db->names, t->schema, t->name, seq,
                               &col, 1, "seq"))
        return "its name is not the one PostgreSQL gives it";
    if (import_bool(C, c, "seq_granted"))
        return "it has grants beyond the schema's default privileges (grants "
               "on an identity's sequence are not in the language)";
    if (!import_null(C, c, "seq_comment"))
        return "it has a comment";
    return NULL;
}

/* An identity's sequence is its column's: it must be one the language
 * makes; else a failure. */
static bool sequence_ok(ImportTable *t, int c)
{
    const char *why = sequence_apart(t, c);
    if (why)
        import_fail(t->o, "sequence %s.%s of column %s.%s.%s: %s", t->schema,
                    import_get(t->C, c, "seq_name"), t->schema, t->name,
                    import_get(t->C, c, "name"), why);
    return !why;
}

/* serial: integer, not null, nextval of its own sequence by default,
 * one the column makes as it is.  Any other owned sequence is declared
 * on its own, owned by the column (import_sequences.c). */
static const char *serial_of(ImportTable *t, int c)
{
    const ImportRows *C = t->C;
    if (import_null(C, c, "seq_name") || *import_get(C, c, "identity") ||
        !import_bool(C, c, "not_null") || !default_sequence(C, c) ||
        sequence_apart(t, c))
        return NULL;
    const char *type = import_get(C, c, "type");
    const char *word = strcmp(type, "integer") == 0 ? "serial"
                     : strcmp(type, "bigint") == 0 ? "bigserial"
                     : strcmp(type, "smallint") == 0 ? "smallserial" : NULL;
    if (!word || strcmp(import_get(C, c, "seq_type"), type) != 0)
        return NULL;
    Buf want = {0};
    buf_puts(&want, "nextval('");
    Buf q = {0};
    quote_qname(&q, t->schema, import_get(C, c, "seq_name"));
    buf_puts(&want, q.data);
    buf_puts(&want, "'::regclass)");
    bool same = strcmp(import_get(C, c, "default"), want.data) == 0;
    buf_free(&want);
    buf_free(&q);
    return same ? word : NULL;
}

/* generated always|by default as identity [(options)] */
static void identity(ImportTable *t, int c)
{
    const ImportRows *C = t->C;
    buf_puts(t->b, import_get(C, c, "identity")[0] == 'a'
                       ? " generated always as identity"
                       : " generated by default as identity");
    if (!default_sequence(C, c) ||
        strcmp(import_get(C, c, "seq_type"), import_get(C, c, "type")) != 0)
        buf_printf(t->b, " (start with %s increment by %s minvalue %s "
                   "maxvalue %s cache %s%s)", import_get(C, c, "seqstart"),
                   import_get(C, c, "seqincrement"),
                   import_get(C, c, "seqmin"), import_get(C, c, "seqmax"),
                   import_get(C, c, "seqcache"),
                   import_bool(C, c, "seqcycle") ? " cycle" : "");
}

/* --------------------------------------------------------- columns */

static void column(ImportTable *t, int c, int width)
{
    const ImportRows *C = t->C;
    Buf *b = t->b;
    const char *name = import_get(C, c, "name");
    if (import_bool(C, c, "unusual")) {
        import_fail(t->o, "column %s.%s.%s has storage, statistics or "
                    "compression settings the language cannot say",
                    t->schema, t->name, name);
        return;
    }
    size_t start = b->len;
    buf_puts(b, "  ");
    import_column_name(b, name);
    while (b->len - start < (size_t)width + 3)
        buf_putc(b, ' ');
    const char *serial = serial_of(t, c);
    if (serial) {
        buf_puts(b, serial);
        map_put(t->o->serials, arena_printf(t->o->arena, "%s.%s", t->schema,
                                            import_get(C, c, "seq_name")),
                (void *)serial);
    }
    else
        import_type(b, import_get(C, c, "type"));
    if (!import_null(C, c, "collation"))
        buf_printf(b, " collate %s", import_get(C, c, "collation"));
    if (*import_get(C, c, "identity")) {
        if (!sequence_ok(t, c))
            return;
        identity(t, c);
    }
    if (!import_null(C, c, "generated")) {
        buf_puts(b, " generated always as ");
        import_paren(b, import_fix_arrays(t->o->arena,
                                          import_get(C, c, "generated")));
        buf_puts(b, " stored");
    }
    column_constraints(t, name, "pu");
    if (import_bool(C, c, "not_null") && !serial &&
        !*import_get(C, c, "identity") && !in_primary_key(t, name))
        buf_puts(b, " not null");
    if (!import_null(C, c, "default") && !serial) {
        const char *d = import_fix_arrays(t->o->arena,
                                          import_get(C, c, "default"));
        buf_puts(b, " default ");
        if (is_term(d))
            buf_puts(b, d);
        else
            buf_printf(b, "(%s)", d);
    }
    column_constraints(t, name, "fc");
    if (!import_null(C, c, "comment")) {
        buf_puts(b, " comment ");
        import_literal(b, import_get(C, c, "comment"));
    }
    buf_puts(b, ";\n");
}

/* Column names aligned as fmt aligns them: the longest name's width. */
static int name_width(ImportTable *t)
{
    int w = 0;
    for (int c = t->col0; c < t->col0 + t->ncols; c++) {
        Buf n = {0};
        import_column_name(&n, import_get(t->C, c, "name"));
        if ((int)n.len > w)
            w = (int)n.len;
        buf_free(&n);
    }
    return w;
}

static void table_constraints(ImportTable *t)
{
    bool first = true;
    for (int k = t->con0; k < t->con0 + t->ncons; k++) {
        if (t->con_done[k - t->con0])
            continue;
        if (first)
            buf_puts(t->b, "\n");
        first = false;
        buf_puts(t->b, "  ");
        import_constraint_name(t, k);
        import_constraint_body(t, k, false);
        import_trailing_comment(t->b, t->K, k);
        buf_puts(t->b, ";\n");
    }
}

/* Constraints a partition inherits are its parent's; the rest must be
 * sayable. */
static void check_constraints(ImportTable *t)
{
    for (int k = t->con0; k < t->con0 + t->ncons; k++) {
        const ImportRows *K = t->K;
        if (import_bool(K, k, "inherited") || !import_bool(K, k, "local")) {
            t->con_done[k - t->con0] = true;
            continue;
        }
        const char *why = unsayable_constraint(K, k);
        if (why)
            import_fail(t->o, "constraint %s on table %s.%s %s",
                        import_get(K, k, "name"), t->schema, t->name, why);
    }
}

static bool owned_by_user(ImportTable *t)
{
    const char *owner = import_get(t->T, t->t, "owner_name");
    if (strcmp(owner, t->o->db->user) == 0)
        return true;
    import_fail(t->o, "table %s.%s is owned by %s, not by %s (owners are "
                "not in the language)", t->schema, t->name, owner,
                t->o->db->user);
    return false;
}

static void write_table(ImportOut *o, int i)
{
    const ImportRows *T = &o->db->rows[IMP_TABLES];
    ImportTable t = {o, T, i, &o->db->rows[IMP_COLUMNS],
                     &o->db->rows[IMP_CONSTRAINTS], NULL,
                     import_get(T, i, "owner"), import_get(T, i, "schema"),
                     import_get(T, i, "name"), 0, 0, 0, 0, NULL};
    if (!owned_by_user(&t))
        return;
    t.col0 = import_first(t.C, t.oid, &t.ncols);
    t.con0 = import_first(t.K, t.oid, &t.ncons);
    t.con_done = arena_alloc(o->arena, (size_t)t.ncons + 1);
    ImportFile *f = import_file(o, t.schema);
    t.b = &f->text;
    if (t.b->len)
        buf_putc(t.b, '\n');
    buf_puts(t.b, "table ");
    import_qname(t.b, t.schema, t.name);
    buf_puts(t.b, " {\n");
    check_constraints(&t);
    int width = name_width(&t);
    for (int c = t.col0; c >= 0 && c < t.col0 + t.ncols; c++)
        column(&t, c, width);
    table_constraints(&t);
    import_table_items(&t);
    buf_puts(t.b, "}\n");
}

void import_write_tables(ImportOut *o)
{
    const ImportRows *T = &o->db->rows[IMP_TABLES];
    for (int i = 0; i < T->n && !o->error; i++)
        if (import_null(T, i, "parent"))
            write_table(o, i);
}
