/*
 * matrix_tests.c — `schemac matrix --emit-tests`: access tests derived from
 * the matrix, one per object and role, holding only what the matrix
 * decides without knowing any row.  Statements end in `where false`, so
 * they touch no row whatever the data: a role without the privilege (or
 * without usage on the schema) gets 42501, a role with it gets 0 rows, as
 * PostgreSQL checks privileges before it reads.  One more is decidable: an
 * insert by a role that row level security gives no permissive policy is
 * refused (42501) whatever the row.
 */
#include "schemac.h"

#include <stdarg.h>
#include <string.h>
#include <strings.h>

typedef struct Probe {
    Buf *out;
    const MatrixObject *o;
    const char *role;
    const char *target;    /* the relation, quoted */
} Probe;

static void step(Probe *pr, bool error, const char *sql)
{
    buf_puts(pr->out, "  as ");
    quote_ident(pr->out, pr->role);
    buf_puts(pr->out, error ? " expect error '42501'" : " expect 0 rows");
    buf_puts(pr->out, " from ");
    quote_dollar(pr->out, sql, strlen(sql));
    buf_puts(pr->out, ";\n");
}

static void step_printf(Probe *pr, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void step_printf(Probe *pr, bool error, const char *fmt, ...)
{
    char sql[4096];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    if (n > 0 && (size_t)n < sizeof sql)
        step(pr, error, sql);
}

static bool reaches(const MatrixCell *c) { return c->granted && c->usage; }

static const char *column_list(Arena *a, const Vec *cols)
{
    Buf b = {0};
    for (int i = 0; i < cols->len; i++) {
        if (i)
            buf_puts(&b, ", ");
        quote_ident(&b, cols->items[i]);
    }
    const char *s = arena_strdup(a, b.data ? b.data : "");
    buf_free(&b);
    return s;
}

static void probe_select(Arena *a, Probe *pr, const MatrixCell *c)
{
    const MatrixObject *o = pr->o;
    if (!reaches(c)) {
        step_printf(pr, true, "select from %s where false", pr->target);
        return;
    }
    if (o->kind == MOBJ_VIEW && o->invoker)
        return;  /* the tables' privileges decide, as the caller's */
    if (c->columns.len) {
        step_printf(pr, false, "select %s from %s where false",
                    column_list(a, &c->columns), pr->target);
        step_printf(pr, true, "select * from %s where false", pr->target);
    } else if (o->kind == MOBJ_TABLE || o->kind == MOBJ_BUCKET) {
        step_printf(pr, false, "select * from %s where false", pr->target);
    } else {
        /* no columns: a view's may call functions of their own */
        step_printf(pr, false, "select from %s where false", pr->target);
    }
}

static bool frag_mentions(const Frag *f, const char *word)
{
    size_t n = strlen(word);
    for (size_t i = 0; i + n <= f->len; i++)
        if (strncasecmp(f->src->text + f->off + i, word, n) == 0)
            return true;
    return false;
}

/* Whether `insert ... default values` reaches the row level security
 * check: partition routing and BEFORE triggers come first. */
static bool insert_reaches_rls(const Decl *t)
{
    for (int i = 0; i < t->items.len; i++) {
        const Item *it = t->items.items[i];
        if (it->kind == ITEM_PARTITION_BY)
            return false;
        if (it->kind == ITEM_TRIGGER && strcmp(it->u.trigger->timing,
                                               "AFTER") != 0 &&
            frag_mentions(&it->u.trigger->events, "insert"))
            return false;
    }
    return true;
}

static void probe_rls_insert(Arena *a, Probe *pr, const MatrixCell *c)
{
    const MatrixObject *o = pr->o;
    if (!o->rls || c->bypass || c->policies.len)
        return;
    if (o->kind == MOBJ_BUCKET) {
        Buf lit = {0};
        quote_literal(&lit, o->name);
        step_printf(pr, true, "insert into storage.objects (bucket_id, name)"
                    " values (%s, 'matrix-probe')", lit.data);
        buf_free(&lit);
    } else if (insert_reaches_rls(o->decl)) {
        step_printf(pr, true, "insert into %s default values", pr->target);
    }
    (void)a;
}

/* The column an update sets: one the role may update. */
static const char *update_column(const MatrixObject *o, const MatrixCell *c)
{
    if (c->columns.len)
        return c->columns.items[0];
    if (o->kind == MOBJ_BUCKET)
        return "name";
    const Vec *cols = &o->decl->columns;
    return cols->len ? ((Column *)cols->items[0])->name.name : NULL;
}

static void probe_write(Arena *a, Probe *pr, const MatrixCell *c)
{
    bool deny = !reaches(c);
    switch (c->cmd) {
    case MCMD_INSERT:
        step_printf(pr, deny, "insert into %s select where false",
                    pr->target);
        if (!deny)
            probe_rls_insert(a, pr, c);
        break;
    case MCMD_UPDATE: {
        const char *col = update_column(pr->o, c);
        Buf q = {0};
        if (col)
            quote_ident(&q, col);
        if (col)
            step_printf(pr, deny, "update %s set %s = default where false",
                        pr->target, q.data);
        buf_free(&q);
        break;
    }
    case MCMD_DELETE:
        step_printf(pr, deny, "delete from %s where false", pr->target);
        break;
    case MCMD_SELECT: case MCMD_EXECUTE:
        break;
    }
}

/* select f((select NULL::t), ...): a sub-select, not a constant, so the
 * planner cannot fold a strict function away before the check. */
static void probe_execute(Probe *pr, const MatrixCell *c)
{
    const Decl *f = pr->o->decl;
    Buf sql = {0};
    if (!reaches(c)) {
        buf_puts(&sql, "select ");
        quote_qname(&sql, f->schema, f->name.name);
        buf_putc(&sql, '(');
        const char *t = f->argtypes ? f->argtypes : "";
        for (int depth = 0, first = 1; *t; first = 0) {
            const char *start = t;
            for (; *t && (depth || *t != ','); t++)
                depth += (*t == '(') - (*t == ')');
            buf_printf(&sql, "%s(select NULL::%.*s)", first ? "" : ", ",
                       (int)(t - start), start);
            t += *t == ',' ? 1 + (t[1] == ' ') : 0;
        }
        buf_putc(&sql, ')');
        step(pr, true, sql.data);
    } else {
        buf_puts(&sql, "select 1 where has_function_privilege(");
        quote_literal(&sql, pr->o->name);
        buf_puts(&sql, ", 'execute')");
        buf_puts(pr->out, "  as ");
        quote_ident(pr->out, pr->role);
        buf_puts(pr->out, " expect 1 rows from ");
        quote_dollar(pr->out, sql.data, sql.len);
        buf_puts(pr->out, ";\n");
    }
    buf_free(&sql);
}

static void probe_cell(Arena *a, Probe *pr, const MatrixCell *c)
{
    switch (pr->o->kind) {
    case MOBJ_FUNCTION:
        probe_execute(pr, c);
        return;
    case MOBJ_VIEW: case MOBJ_MATVIEW:
        if (c->cmd == MCMD_SELECT)
            probe_select(a, pr, c);
        return;  /* writes depend on whether the view is updatable */
    case MOBJ_TABLE: case MOBJ_BUCKET:
        if (c->cmd == MCMD_SELECT)
            probe_select(a, pr, c);
        else
            probe_write(a, pr, c);
        return;
    }
}

static void put_test_name(Buf *b, const MatrixObject *o, const char *role)
{
    Buf name = {0};
    buf_printf(&name, "matrix: %s on %s %s", role, matrix_kind_name(o->kind),
               o->name);
    buf_putc(b, '"');
    for (const char *s = name.data; *s; s++) {
        if (*s == '"')
            buf_putc(b, '"');
        buf_putc(b, *s);
    }
    buf_putc(b, '"');
    buf_free(&name);
}

/* One test per role: the object's cells are sorted by role. */
static void object_tests(Buf *out, Arena *a, const MatrixObject *o)
{
    const char *target = o->kind == MOBJ_BUCKET ? "storage.objects"
                                                : o->name;
    for (int i = 0; i < o->cells.len;) {
        const MatrixCell *c = o->cells.items[i];
        Buf steps = {0};
        Probe pr = {&steps, o, c->role, target};
        int j = i;
        for (; j < o->cells.len &&
               strcmp(((MatrixCell *)o->cells.items[j])->role, c->role) == 0;
             j++)
            if (strcmp(c->role, "public") != 0 &&
                strcmp(c->role, MATRIX_OWNER) != 0)
                probe_cell(a, &pr, o->cells.items[j]);
        if (steps.len) {
            buf_puts(out, "\ntest ");
            put_test_name(out, o, c->role);
            buf_printf(out, " {\n%s}\n", steps.data);
        }
        buf_free(&steps);
        i = j;
    }
}

void matrix_emit_tests(Buf *out, Arena *a, const Matrix *m,
                       const char *from)
{
    buf_printf(out, "-- generated by schemac matrix --emit-tests from %s "
                    "- do not edit\n", from);
    buf_puts(out, "-- What the access matrix decides without row data: "
                  "42501 without the privilege,\n-- 0 rows with it "
                  "(`where false`), and inserts refused by row level "
                  "security.\n");
    for (int i = 0; i < m->objects.len; i++)
        object_tests(out, a, m->objects.items[i]);
}
