/*
 * util.c — the runtime's one helper library: memory that never comes back
 * NULL, a growable string buffer (after Lua's luaL_Buffer), printf into new
 * memory, one way to run a statement and check it, and one way to put a
 * server failure into a one-line message.  Every runtime file uses these
 * instead of keeping its own.
 */
#include "commands.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The runtime has no way on without memory: say so and stop (exit 2,
 * like any usage or environment error). */
static void out_of_memory(void)
{
    fprintf(stderr, "%s: out of memory\n", sctl_progname);
    exit(SCTL_USAGE);
}

void *sctl_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        out_of_memory();
    return p;
}

void *sctl_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        out_of_memory();
    return p;
}

void *sctl_xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        out_of_memory();
    return p;
}

char *sctl_xstrndup(const char *s, size_t n)
{
    char *d = sctl_xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *sctl_xstrdup(const char *s)
{
    return sctl_xstrndup(s, strlen(s));
}

char *sctl_vprintf(const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    if (n < 0)
        n = 0;
    char *s = sctl_xmalloc((size_t)n + 1);
    vsnprintf(s, (size_t)n + 1, fmt, again);
    va_end(again);
    return s;
}

char *sctl_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = sctl_vprintf(fmt, ap);
    va_end(ap);
    return s;
}

/* ------------------------------------------------------------ buffer */

void sctl_buf_put(SctlBuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->data = sctl_xrealloc(b->data, b->cap);
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void sctl_buf_puts(SctlBuf *b, const char *s)
{
    sctl_buf_put(b, s, strlen(s));
}

void sctl_buf_printf(SctlBuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = sctl_vprintf(fmt, ap);
    va_end(ap);
    sctl_buf_puts(b, s);
    free(s);
}

char *sctl_buf_take(SctlBuf *b)
{
    char *s = b->data ? b->data : sctl_xstrdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return s;
}

void sctl_buf_free(SctlBuf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* ------------------------------------------------------------ server */

/*
 * "LEAD: " and the server's primary message (without "ERROR:  "), else
 * libpq's own, on one line.  r may be NULL (a failure with no result).
 */
char *sctl_failure(PGconn *conn, const PGresult *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *lead = sctl_vprintf(fmt, ap);
    va_end(ap);
    const char *why = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)
                        : NULL;
    if (!why)
        why = conn ? PQerrorMessage(conn) : "";
    if (strncmp(why, "ERROR:  ", 8) == 0 || strncmp(why, "FATAL:  ", 8) == 0)
        why += 8;
    char *s = sctl_printf("%s%s%.*s", lead, *lead && *why ? ": " : "",
                          (int)strcspn(why, "\n"), why);
    free(lead);
    return s;
}

/*
 * Runs sql (any number of statements, rows ignored).  On failure, when
 * err is not NULL, *err is "WHAT: reason" (malloc'd; what may be NULL).
 */
bool sctl_exec(PGconn *conn, const char *sql, const char *what, char **err)
{
    PGresult *r = PQexec(conn, sql);
    ExecStatusType st = PQresultStatus(r);
    bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    if (!ok && err) {
        free(*err);
        *err = sctl_failure(conn, r, "%s", what ? what : "");
    }
    PQclear(r);
    return ok;
}

/* A query answering one boolean; false on any error too. */
bool sctl_query_bool(PGconn *conn, const char *sql)
{
    PGresult *r = PQexec(conn, sql);
    bool t = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 &&
             strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    PQclear(r);
    return t;
}

bool sctl_in_snapshot(PGconn *conn)
{
    return PQtransactionStatus(conn) == PQTRANS_INTRANS &&
           sctl_query_bool(conn, "SELECT pg_catalog.current_setting("
                           "'transaction_isolation') IN ('repeatable read',"
                           " 'serializable')");
}

/* ------------------------------------------------------- text[] literals */

void sctl_array_add(SctlBuf *b, const char *item)
{
    sctl_buf_puts(b, b->len ? ",\"" : "{\"");
    for (const char *c = item; *c; c++) {
        if (*c == '"' || *c == '\\')
            sctl_buf_put(b, "\\", 1);
        sctl_buf_put(b, c, 1);
    }
    sctl_buf_puts(b, "\"");
}

char *sctl_array_take(SctlBuf *b)
{
    sctl_buf_puts(b, b->len ? "}" : "{}");
    return sctl_buf_take(b);
}

char *sctl_text_array(const char *const *items, int n)
{
    SctlBuf b = {0};
    for (int i = 0; i < n; i++)
        sctl_array_add(&b, items[i]);
    return sctl_array_take(&b);
}

/* ------------------------------------------------------ catalog reads */

bool sctl_catalog_begin(PGconn *conn, bool *own, const char *what,
                        char **err)
{
    *own = PQtransactionStatus(conn) == PQTRANS_IDLE;
    if (!sctl_exec(conn, *own ? "BEGIN READ ONLY" : "SAVEPOINT sctl_catalog",
                   what, err))
        return false;
    if (sctl_exec(conn, "SET LOCAL search_path = pg_catalog, pg_temp", what,
                  err))
        return true;
    sctl_catalog_end(conn, *own);
    return false;
}

void sctl_catalog_end(PGconn *conn, bool own)
{
    sctl_exec(conn, own ? "ROLLBACK" : "ROLLBACK TO SAVEPOINT sctl_catalog; "
              "RELEASE SAVEPOINT sctl_catalog", NULL, NULL);
}
