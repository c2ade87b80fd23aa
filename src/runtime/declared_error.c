/*
 * declared_error.c — the canonical SQL run on a scratch database, and
 * when the server refuses it, which declaration it refused: the .schema
 * file:line:col of the object (narrowed to the column whose part of a
 * CREATE TABLE the server points at), with the server's DETAIL and HINT.
 *
 * The statements run in one round trip; only when that fails do they run
 * again one by one, to tell which one it was.
 */
#include "schemactl.h"

#include <stdlib.h>
#include <string.h>

/* Byte offset of the 1-based character position the server names in sql
 * (PG_DIAG_STATEMENT_POSITION), or -1 when it names none. */
static long error_offset(const PGresult *r, const char *sql)
{
    const char *pos = PQresultErrorField(r, PG_DIAG_STATEMENT_POSITION);
    long chars = pos ? strtol(pos, NULL, 10) : 0;
    long off = 0;
    for (long n = 1; n < chars && sql[off]; off++)
        n += ((unsigned char)sql[off + 1] & 0xC0) != 0x80;
    return chars > 0 ? off : -1;
}

const SctlObject *sctl_failed_object(const SctlSchema *s, int object,
                                     const char *sql, const PGresult *r)
{
    long off = error_offset(r, sql);
    for (int i = 0; off >= 0 && i < s->nobjects; i++) {
        const SctlObject *o = &s->objects[i];
        const char *at = o->parent == object && o->inline_in_parent &&
                         o->definition ? strstr(sql, o->definition) : NULL;
        if (at && off >= at - sql &&
            off <= at - sql + (long)strlen(o->definition))
            return o;
    }
    return &s->objects[object];
}

/* One line of a server field, indented under the message. */
static void put_field(SctlBuf *b, const char *label, const char *text)
{
    if (text)
        sctl_buf_printf(b, "\n  %s: %.*s", label, (int)strcspn(text, "\n"),
                        text);
}

/* "FILE:LINE:COL: what: message" and the DETAIL and HINT lines. */
static char *explain(const SctlSchema *s, const SctlStatement *st,
                     const PGresult *r, const char *what)
{
    SctlBuf b = {0};
    const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
    if (st->object >= 0) {
        const SctlObject *o = sctl_failed_object(s, st->object, st->sql, r);
        sctl_buf_printf(&b, "%s:%d:%d: ", sctl_file(s, o->file), o->line,
                        o->col);
    } else {
        sctl_buf_printf(&b, "%s:%d: ", sctl_file(s, st->file), st->line);
    }
    sctl_buf_printf(&b, "%s: %.*s", what, msg ? (int)strcspn(msg, "\n") : 6,
                    msg ? msg : "failed");
    put_field(&b, "detail", PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL));
    put_field(&b, "hint", PQresultErrorField(r, PG_DIAG_MESSAGE_HINT));
    return sctl_buf_take(&b);
}

/* The first statement that fails, one by one; NULL when none does. */
static char *first_failure(PGconn *conn, const SctlSchema *s,
                           const char *what)
{
    for (int i = 0; i < s->nstatements; i++) {
        const SctlStatement *st = &s->statements[i];
        PGresult *r = PQexec(conn, st->sql);
        ExecStatusType rs = PQresultStatus(r);
        char *why = rs == PGRES_COMMAND_OK || rs == PGRES_TUPLES_OK
                    ? NULL : explain(s, st, r, what);
        PQclear(r);
        if (why)
            return why;
    }
    return NULL;
}

bool sctl_run_declared(PGconn *conn, const SctlSchema *s, const char *what,
                       char **err)
{
    char *sql = sctl_canonical_sql(s);
    bool ok = sctl_exec(conn, "SAVEPOINT sctl_declared", what, err);
    char *whole = NULL;
    if (ok && !sctl_exec(conn, sql, what, &whole)) {
        ok = false;
        *err = NULL;
        if (sctl_exec(conn, "ROLLBACK TO SAVEPOINT sctl_declared", what,
                      err))
            *err = first_failure(conn, s, what);
        if (!*err) {          /* not one by one: the whole text's reason */
            *err = whole;
            whole = NULL;
        }
    }
    free(whole);
    free(sql);
    return ok;
}
