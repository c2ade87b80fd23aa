/*
 * report_er.c — the tables and foreign keys of the managed schemas as a
 * Graphviz graph, drawn to SVG by `dot` for the report.
 *
 * The graph is read off the live catalog: each table a box listing its
 * columns (the key ones marked), each foreign key an arrow from the
 * referencing table to the referenced one, tables grouped by schema.
 */
#include "schemactl.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char SQL_TABLES[] =
    "SELECT n.nspname, c.relname,"
    " (SELECT string_agg(a.attname || CASE WHEN EXISTS (SELECT FROM"
    "   pg_index i WHERE i.indrelid = c.oid AND i.indisprimary"
    "   AND a.attnum = ANY (i.indkey)) THEN ' *' ELSE '' END, E'\\n'"
    "   ORDER BY a.attnum) FROM pg_attribute a WHERE a.attrelid = c.oid"
    "   AND a.attnum > 0 AND NOT a.attisdropped)"
    " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition"
    " AND n.nspname = ANY ($1::text[]) AND n.nspname <> 'schemactl'"
    " ORDER BY 1, 2";

static const char SQL_KEYS[] =
    "SELECT n.nspname, c.relname, fn.nspname, f.relname, k.conname"
    " FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid"
    " JOIN pg_namespace n ON n.oid = c.relnamespace"
    " JOIN pg_class f ON f.oid = k.confrelid"
    " JOIN pg_namespace fn ON fn.oid = f.relnamespace"
    " WHERE k.contype = 'f' AND n.nspname = ANY ($1::text[])"
    " AND NOT c.relispartition ORDER BY 1, 2, 5";

/* A Graphviz string: backslashes and quotes escaped. */
static void dot_string(SctlBuf *b, const char *s)
{
    sctl_buf_puts(b, "\"");
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            sctl_buf_put(b, "\\", 1);
        if (*s == '\n') {
            sctl_buf_puts(b, "\\l");
            continue;
        }
        sctl_buf_put(b, s, 1);
    }
    sctl_buf_puts(b, "\"");
}

static PGresult *query(PGconn *conn, const char *sql, const char *schemas,
                       char **err)
{
    const char *params[1] = {schemas};
    PGresult *r = PQexecParams(conn, sql, 1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(r) == PGRES_TUPLES_OK)
        return r;
    *err = sctl_failure(conn, r, "reading tables for the diagram");
    PQclear(r);
    return NULL;
}

char *sctl_er_dot(PGconn *conn, const SctlSchema *s, int *ntables,
                  char **err)
{
    char *schemas = sctl_text_array(s->schemas, s->nschemas);
    PGresult *t = query(conn, SQL_TABLES, schemas, err);
    PGresult *k = t ? query(conn, SQL_KEYS, schemas, err) : NULL;
    free(schemas);
    if (!k) {
        PQclear(t);
        return NULL;
    }
    SctlBuf b = {0};
    sctl_buf_puts(&b, "digraph schema {\n  rankdir=LR;\n  node [shape=box, "
                      "fontname=\"Helvetica\", fontsize=10];\n  edge "
                      "[color=\"#555555\", arrowsize=0.6];\n");
    const char *cluster = NULL;
    for (int i = 0; i < PQntuples(t); i++) {
        const char *sch = PQgetvalue(t, i, 0);
        if (!cluster || strcmp(cluster, sch) != 0) {
            if (cluster)
                sctl_buf_puts(&b, "  }\n");
            sctl_buf_printf(&b, "  subgraph cluster_%d {\n    label=", i);
            dot_string(&b, sch);
            sctl_buf_puts(&b, "; style=rounded; color=\"#9aa5b1\";\n");
            cluster = sch;
        }
        char *id = sctl_printf("%s.%s", sch, PQgetvalue(t, i, 1));
        char *label = sctl_printf("%s\n\n%s\n", PQgetvalue(t, i, 1),
                                  PQgetvalue(t, i, 2));
        sctl_buf_puts(&b, "    ");
        dot_string(&b, id);
        sctl_buf_puts(&b, " [label=");
        dot_string(&b, label);
        sctl_buf_puts(&b, "];\n");
        free(id);
        free(label);
    }
    if (cluster)
        sctl_buf_puts(&b, "  }\n");
    for (int i = 0; i < PQntuples(k); i++) {
        char *from = sctl_printf("%s.%s", PQgetvalue(k, i, 0),
                                 PQgetvalue(k, i, 1));
        char *to = sctl_printf("%s.%s", PQgetvalue(k, i, 2),
                               PQgetvalue(k, i, 3));
        sctl_buf_puts(&b, "  ");
        dot_string(&b, from);
        sctl_buf_puts(&b, " -> ");
        dot_string(&b, to);
        sctl_buf_puts(&b, " [tooltip=");
        dot_string(&b, PQgetvalue(k, i, 4));
        sctl_buf_puts(&b, "];\n");
        free(from);
        free(to);
    }
    sctl_buf_puts(&b, "}\n");
    *ntables = PQntuples(t);
    PQclear(t);
    PQclear(k);
    return sctl_buf_take(&b);
}

/* dot -Tsvg over pipes; NULL and *err when dot is missing or fails.  The
 * graph is written whole before the SVG is read, which a pipe's buffer
 * cannot hold for a large graph, so the writer is a child of its own. */
char *sctl_dot_svg(const char *dot, char **err)
{
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0) {
        *err = sctl_xstrdup("cannot draw the diagram: no pipe");
        return NULL;
    }
    pid_t drawer = fork();
    if (drawer == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[0]); close(in[1]); close(out[0]); close(out[1]);
        execlp("dot", "dot", "-Tsvg", (char *)NULL);
        _exit(127);
    }
    pid_t writer = drawer > 0 ? fork() : -1;
    if (writer == 0) {
        close(out[0]); close(out[1]); close(in[0]);
        signal(SIGPIPE, SIG_IGN);
        size_t n = strlen(dot), done = 0;
        while (done < n) {
            ssize_t w = write(in[1], dot + done, n - done);
            if (w <= 0)
                break;
            done += (size_t)w;
        }
        _exit(0);
    }
    close(in[0]); close(in[1]); close(out[1]);
    SctlBuf b = {0};
    char chunk[8192];
    ssize_t got;
    while ((got = read(out[0], chunk, sizeof chunk)) > 0)
        sctl_buf_put(&b, chunk, (size_t)got);
    close(out[0]);
    int status = 1;
    if (writer > 0)
        waitpid(writer, NULL, 0);
    if (drawer > 0)
        waitpid(drawer, &status, 0);
    if (drawer < 0 || writer < 0 || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0 || !b.len) {
        *err = sctl_xstrdup(drawer > 0 && WIFEXITED(status) &&
                            WEXITSTATUS(status) == 127
                            ? "Graphviz dot is not installed"
                            : "dot could not draw the diagram");
        sctl_buf_free(&b);
        return NULL;
    }
    /* the SVG element alone, without the XML prologue */
    char *svg = sctl_buf_take(&b);
    char *start = strstr(svg, "<svg");
    if (start && start != svg)
        memmove(svg, start, strlen(start) + 1);
    return svg;
}
