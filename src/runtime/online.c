/*
 * online.c — planning for a database that is in use.
 *
 * The facts hazards.c needs from the server: whether a table holds rows
 * (an existence check, exact where reltuples may be stale or -1), whether
 * a new column's default calls a volatile function, whether a type change
 * is binary-coercible.  And the plan made gentler with them: a foreign
 * key or check on a table with rows is added NOT VALID (a short lock, no
 * scan) and then validated (a scan under SHARE UPDATE EXCLUSIVE, which
 * lets reads and writes go on); with --online, the validation and the
 * build of each new index of an existing table run after the commit,
 * the index concurrently.  Every statement is one of the fixed shapes
 * the compiler parsed.
 */
#include "schemactl.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static void put_buf(void *to, const char *s, size_t n)
{
    sctl_buf_put(to, s, n);
}

static char *shape_text(SctlShape sh, const char *const *args)
{
    SctlBuf b = {0};
    if (!sctl_shape_write((SctlOut){put_buf, &b}, sh, args)) {
        sctl_buf_free(&b);
        return NULL;
    }
    return sctl_buf_take(&b);
}

#define SHAPE_TEXT(sh, ...) shape_text(sh, (const char *const[]){__VA_ARGS__, NULL})

/* ------------------------------------------------------------ facts */

/* The object a step acts for: a canonical statement's, else its own. */
static const SctlObject *step_object(const SctlSchema *s, const SctlStep *st)
{
    int i = st->statement >= 0 ? s->statements[st->statement].object
                               : st->object;
    return i >= 0 ? &s->objects[i] : NULL;
}

static const SctlFacet *live_table(const SctlOnline *on, const char *schema,
                                   const char *table)
{
    SctlObject t = {.kind = SCTL_K_TABLE, .schema = schema, .name = table};
    char *key = sctl_object_key(&t);
    const SctlFacet *f = sctl_facet(on->live, key);
    free(key);
    return f;
}

static char *quoted(const char *schema, const char *table)
{
    SctlBuf b = {0};
    sctl_quote_ident((SctlOut){put_buf, &b}, schema);
    sctl_buf_puts(&b, ".");
    sctl_quote_ident((SctlOut){put_buf, &b}, table);
    return sctl_buf_take(&b);
}

static bool has_rows(SctlOnline *on, const char *schema, const char *table,
                     bool *yes, char **err)
{
    char *key = sctl_printf("%s\x1f%s", schema, table);
    for (int i = 0; i < on->n; i++)
        if (strcmp(on->tables[i], key) == 0) {
            *yes = on->rows[i];
            free(key);
            return true;
        }
    char *name = quoted(schema, table);
    char *sql = sctl_printf("SELECT EXISTS (SELECT FROM %s)", name);
    PGresult *r = PQexec(on->conn, sql);
    bool ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
    if (ok)
        *yes = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    else
        *err = sctl_failure(on->conn, r, "looking for rows in %s", name);
    PQclear(r);
    free(sql);
    free(name);
    if (!ok) {
        free(key);
        return false;
    }
    if (on->n == on->cap) {
        on->cap = on->cap ? on->cap * 2 : 16;
        on->tables = sctl_xrealloc(on->tables, sizeof *on->tables *
                                   (size_t)on->cap);
        on->rows = sctl_xrealloc(on->rows, sizeof *on->rows * (size_t)on->cap);
    }
    on->tables[on->n] = key;
    on->rows[on->n++] = *yes;
    return true;
}

/* A one-row boolean answer to sql with text parameters. */
static bool ask(PGconn *conn, const char *sql, int n, const char *const *v,
                bool *yes, char **err)
{
    PGresult *r = PQexecParams(conn, sql, n, NULL, v, NULL, NULL, 0);
    bool ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
    if (ok)
        *yes = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    else
        *err = sctl_failure(conn, r, "reading the catalog for the plan");
    PQclear(r);
    return ok;
}

/* The names called in an expression ("{now,nextval}"), strings skipped:
 * a function is volatile here if any function of that name is. */
static char *called_names(const char *expr)
{
    SctlBuf b = {0};
    sctl_buf_puts(&b, "{");
    int n = 0;
    for (const char *p = expr; *p;) {
        if (*p == '\'') {
            for (p++; *p && !(*p == '\'' && p[1] != '\''); p += 1 + (*p == '\''))
                ;
            p += *p != 0;
            continue;
        }
        if (!isalpha((unsigned char)*p) && *p != '_') {
            p++;
            continue;
        }
        const char *w = p;
        while (isalnum((unsigned char)*p) || *p == '_' || *p == '$')
            p++;
        const char *q = p;
        while (*q == ' ')
            q++;
        if (*q != '(')
            continue;
        sctl_buf_puts(&b, n++ ? "," : "");
        for (const char *c = w; c < p; c++)
            sctl_buf_printf(&b, "%c", tolower((unsigned char)*c));
    }
    sctl_buf_puts(&b, "}");
    return sctl_buf_take(&b);
}

static bool volatile_default(SctlOnline *on, const SctlObject *o, bool *yes,
                             char **err)
{
    *yes = o->definition && strstr(o->definition, " GENERATED ");
    if (*yes || !o->default_expr)
        return true;
    char *names = called_names(o->default_expr);
    const char *v[] = {names};
    bool ok = ask(on->conn, "SELECT EXISTS (SELECT FROM pg_catalog.pg_proc"
                  " WHERE provolatile = 'v' AND proname = ANY ($1::text[]))",
                  1, v, yes, err);
    free(names);
    return ok;
}

/* Same type with a laxer modifier, or a binary cast to an unmodified
 * type: what ALTER TYPE does without rewriting (varchar(n) to a longer
 * varchar or text, numeric(p,s) to a wider precision). */
static bool coercible(SctlOnline *on, const char *from, const char *to,
                      bool *yes, char **err)
{
    *yes = false;
    if (!from || !to)
        return true;
    const char *v[] = {from, to};
    return ask(on->conn,
               "SELECT CASE WHEN f::pg_catalog.regtype = t::pg_catalog.regtype"
               " THEN t !~ '\\(' OR (f ~ '^character varying\\(' AND"
               "  substring(t FROM '\\((\\d+)\\)')::int >="
               "  substring(f FROM '\\((\\d+)\\)')::int)"
               " OR (f ~ '^numeric\\(' AND"
               "  substring(t FROM '\\((\\d+)')::int >="
               "  substring(f FROM '\\((\\d+)')::int AND"
               "  coalesce(substring(t FROM ',(\\d+)\\)'), '0') ="
               "  coalesce(substring(f FROM ',(\\d+)\\)'), '0'))"
               " ELSE t !~ '\\(' AND EXISTS (SELECT FROM pg_catalog.pg_cast"
               "  WHERE castsource = f::pg_catalog.regtype AND"
               "  casttarget = t::pg_catalog.regtype AND castmethod = 'b')"
               " END FROM (SELECT $1::text AS f, $2::text AS t) x", 2, v,
               yes, err);
}

static const char *table_of(const SctlObject *o)
{
    return o->table ? o->table : o->kind == SCTL_K_TABLE ? o->name : NULL;
}

static bool column_facts(SctlOnline *on, const SctlStep *st,
                         const SctlObject *o, SctlStepFacts *f, char **err)
{
    int i = (int)(o - on->s->objects);
    const SctlFacet *decl = sctl_facet(on->d->facets, on->d->keys[i]);
    if (st->shape == SCTL_SHAPE_ADD_COLUMN) {
        f->required = sctl_same(sctl_field(decl, "not_null"), "t") &&
                      !o->default_expr && !sctl_field(decl, "identity") &&
                      !sctl_field(decl, "generated");
        return volatile_default(on, o, &f->volatile_default, err);
    }
    if (st->shape == SCTL_SHAPE_ALTER_TYPE)
        return coercible(on, sctl_field(sctl_facet(on->live, on->d->keys[i]),
                                        "type"),
                         sctl_field(decl, "type"), &f->binary_coercible, err);
    return true;
}

bool sctl_step_facts(SctlOnline *on, const SctlStep *st, SctlStepFacts *f,
                     char **err)
{
    *f = (SctlStepFacts){0};
    const SctlObject *o = step_object(on->s, st);
    const char *table = o ? table_of(o) : NULL;
    if (!table || st->why)
        return true;
    f->table_new = !live_table(on, o->schema, table);
    if (!f->table_new && !has_rows(on, o->schema, table, &f->has_rows, err))
        return false;
    if (o->kind == SCTL_K_COLUMN && !f->table_new)
        return column_facts(on, st, o, f, err);
    return true;
}

/* ------------------------------------------------------ gentler plan */

static SctlStep *push(SctlPlan *p, SctlStep st)
{
    if (p->len == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 64;
        p->steps = sctl_xrealloc(p->steps, sizeof *p->steps * (size_t)p->cap);
    }
    p->steps[p->len] = st;
    return &p->steps[p->len++];
}

/* The constraint a step adds, and its definition, or NULL. */
static const char *added_constraint(const SctlSchema *s, const SctlStep *st,
                                    const SctlObject **out)
{
    const SctlObject *o = step_object(s, st);
    *out = o;
    if (!o || o->kind != SCTL_K_CONSTRAINT || st->why)
        return NULL;
    if (st->shape == SCTL_SHAPE_ADD_CONSTRAINT)
        return o->definition;
    if (st->statement >= 0 &&
        s->statements[st->statement].role == SCTL_STMT_MAKE)
        return sctl_added_definition(s->statements[st->statement].sql,
                                     o->schema, o->table);
    return NULL;
}

/* NOT VALID, then VALIDATE: false when the step stays as it is. */
static bool split_constraint(SctlOnline *on, const SctlStep *st, bool online,
                             SctlPlan *out, bool *done, char **err)
{
    const SctlObject *o;
    const char *def = added_constraint(on->s, st, &o);
    *done = false;
    if (!def || !sctl_validatable(def, o->name) ||
        !live_table(on, o->schema, o->table))
        return true;
    bool rows;
    if (!has_rows(on, o->schema, o->table, &rows, err))
        return false;
    char *add = rows ? SHAPE_TEXT(SCTL_SHAPE_ADD_CONSTRAINT_NOT_VALID,
                                  o->schema, o->table, def) : NULL;
    char *check = rows ? SHAPE_TEXT(SCTL_SHAPE_VALIDATE_CONSTRAINT,
                                    o->schema, o->table, o->name) : NULL;
    if (!add || !check) {
        free(add);
        free(check);
        return true;
    }
    /* the NOT VALID step keeps the step's row check (plan_rows.c) */
    SctlStep first = *st;
    first.statement = -1;
    first.sql = add;
    first.object = (int)(o - on->s->objects);
    first.shape = SCTL_SHAPE_ADD_CONSTRAINT_NOT_VALID;
    push(out, first);
    push(out, (SctlStep){.statement = -1, .sql = check, .object = first.object,
                         .after_commit = online,
                         .shape = SCTL_SHAPE_VALIDATE_CONSTRAINT});
    free(st->sql);
    *done = true;
    return true;
}

/* A new index of an existing, not partitioned table, built concurrently
 * after the commit. */
static bool concurrent(SctlOnline *on, const SctlStep *st, SctlPlan *out)
{
    const SctlObject *o = step_object(on->s, st);
    if (!o || o->kind != SCTL_K_INDEX || st->statement < 0 || st->why ||
        o->concurrently ||
        on->s->statements[st->statement].role != SCTL_STMT_MAKE)
        return false;
    const char *sql = on->s->statements[st->statement].sql;
    const SctlFacet *t = live_table(on, o->schema, o->table);
    char *key = sctl_object_key(o);
    bool exists = sctl_facet(on->live, key) != NULL;
    free(key);
    if (!t || exists || sctl_same(sctl_field(t, "kind"), "p") ||
        (strncmp(sql, "CREATE INDEX ", 13) != 0 &&
         strncmp(sql, "CREATE UNIQUE INDEX ", 20) != 0))
        return false;
    const char *rest;
    SctlShape sh = sctl_concurrent_index(sql, &rest);
    char *text = SHAPE_TEXT(sh, rest);
    if (!text)
        return false;
    SctlStep built = *st;   /* its row check, if any, stays with it */
    built.statement = -1;
    built.sql = text;
    built.after_commit = true;
    built.shape = (int)sh;
    push(out, built);
    return true;
}

bool sctl_plan_online(SctlOnline *on, SctlPlan *p, bool online, char **err)
{
    SctlPlan out = {0};
    bool ok = true;
    for (int k = 0; k < p->len; k++) {
        SctlStep *st = &p->steps[k];
        bool done = false;
        if (ok)
            ok = split_constraint(on, st, online, &out, &done, err);
        if (ok && !done && online)
            done = concurrent(on, st, &out);
        if (!done)
            push(&out, *st);
    }
    free(p->steps);
    *p = out;
    return ok;
}

void sctl_online_free(SctlOnline *on)
{
    for (int i = 0; i < on->n; i++)
        free(on->tables[i]);
    free(on->tables);
    free(on->rows);
    on->tables = NULL;
    on->rows = NULL;
    on->n = on->cap = 0;
}

bool sctl_set_timeouts(PGconn *conn, int lock_ms, int statement_ms,
                       char **err)
{
    const char *scope = PQtransactionStatus(conn) == PQTRANS_INTRANS
                        ? "LOCAL " : "";
    char *sql = sctl_printf("SET %slock_timeout = %d; "
                            "SET %sstatement_timeout = %d",
                            scope, lock_ms, scope, statement_ms);
    bool ok = sctl_exec(conn, sql, "setting the timeouts", err);
    free(sql);
    return ok;
}
