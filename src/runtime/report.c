/*
 * report.c — `report -o DIR`: one static HTML page about the database
 * (DIR/index.html; no network, no script): the access matrix the schema
 * declares beside the one the live catalog has, cell by cell; a diagram
 * of the tables and their foreign keys; what verify finds; the lint's
 * warnings; the access tests' results.  Each finding names its file:line
 * as a link to the .schema file (relative to where the project was
 * built).  Written to a temporary file and renamed: never half a page.
 */
#include "commands.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char CSS[] =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Helvetica,"
    "Arial,sans-serif;color:#1f2933;margin:0;background:#f5f7fa}"
    "header{background:#243b53;color:#fff;padding:20px 32px}"
    "header h1{margin:0;font-size:22px}header p{margin:4px 0 0;"
    "color:#bcccdc}main{padding:16px 32px 48px;max-width:1400px}"
    "h2{font-size:18px;margin:28px 0 8px;color:#102a43}"
    "h3{font-size:14px;margin:18px 0 6px;color:#334e68}"
    ".cards{display:flex;flex-wrap:wrap;gap:12px;margin-top:8px}"
    ".card{background:#fff;border-radius:8px;padding:12px 18px;"
    "box-shadow:0 1px 2px rgba(0,0,0,.08);min-width:170px}"
    ".card b{display:block;font-size:24px}.ok b{color:#2f8132}"
    ".bad b{color:#c62828}.warn b{color:#b7791f}"
    "table{border-collapse:collapse;background:#fff;margin:4px 0 12px;"
    "box-shadow:0 1px 2px rgba(0,0,0,.06)}"
    "th,td{border:1px solid #d9e2ec;padding:4px 8px;text-align:left;"
    "vertical-align:top}th{background:#f0f4f8;font-weight:600}"
    "td.none{color:#829ab1}td.all{background:#fff4e5}"
    "td.rows{background:#e3f8e8}td.exec{background:#e6f0ff}"
    "td.differs{outline:2px solid #c62828;outline-offset:-2px}"
    ".live{display:block;color:#c62828;font-size:12px}"
    "ul.findings{background:#fff;padding:10px 10px 10px 30px;"
    "border-radius:8px;box-shadow:0 1px 2px rgba(0,0,0,.06)}"
    "ul.findings li{margin:3px 0;font-family:ui-monospace,Menlo,Consolas,"
    "monospace;font-size:12.5px;white-space:pre-wrap}"
    ".pass{color:#2f8132}.fail{color:#c62828}"
    ".diagram{background:#fff;border-radius:8px;padding:12px;overflow:auto;"
    "box-shadow:0 1px 2px rgba(0,0,0,.06)}.diagram svg{max-width:100%;"
    "height:auto}a{color:#2f5f98}p.note{color:#627d98}";

static void html(SctlBuf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': sctl_buf_puts(b, "&lt;"); break;
        case '>': sctl_buf_puts(b, "&gt;"); break;
        case '&': sctl_buf_puts(b, "&amp;"); break;
        case '"': sctl_buf_puts(b, "&quot;"); break;
        default: sctl_buf_put(b, s, 1);
        }
    }
}

/* "file:line" as a link to the file. */
static void where(SctlBuf *b, const char *file, int line)
{
    sctl_buf_puts(b, "<a href=\"");
    html(b, file);
    sctl_buf_printf(b, "\">");
    html(b, file);
    sctl_buf_printf(b, ":%d</a>", line);
}

/* One finding: prefix, then line, its "file:line:" start linked. */
static void finding(SctlBuf *b, const char *prefix, const char *line,
                    const char *cls)
{
    sctl_buf_printf(b, "<li class=\"%s\">%s", cls, prefix);
    const char *colon = strchr(line, ':');
    char *end = NULL;
    long n = colon ? strtol(colon + 1, &end, 10) : 0;
    if (colon && end && end != colon + 1 && (*end == ':' || !*end) &&
        colon != line && !strchr(" \t", line[0])) {
        char *file = sctl_xstrndup(line, (size_t)(colon - line));
        where(b, file, (int)n);
        free(file);
        html(b, end);
    } else {
        html(b, line);
    }
    sctl_buf_puts(b, "</li>\n");
}

/* Lines that out holds, each a finding; returns how many. */
static int findings(SctlBuf *b, const char *text, bool tests)
{
    int n = 0;
    sctl_buf_puts(b, "<ul class=\"findings\">\n");
    for (const char *p = text; p && *p;) {
        size_t len = strcspn(p, "\n");
        char *line = sctl_xstrndup(p, len);
        if (*line) {
            const char *cls = !tests ? "" : strncmp(line, "PASS", 4) == 0
                              ? "pass" : strncmp(line, "FAIL", 4) == 0
                              ? "fail" : "";
            /* a test line reads "PASS file:line:col name" */
            if (*cls)
                finding(b, *cls == 'p' ? "PASS " : "FAIL ",
                        line + (line[4] ? 5 : 4), cls);
            else
                finding(b, "", line, cls);
            n++;
        }
        free(line);
        p += len + (p[len] == '\n');
    }
    if (!n)
        sctl_buf_puts(b, "<li>none</li>\n");
    sctl_buf_puts(b, "</ul>\n");
    return n;
}

static const char *access_class(const char *a)
{
    if (!a || strncmp(a, "none", 4) == 0)
        return "none";
    if (strncmp(a, "rows", 4) == 0 || strncmp(a, "as invoker", 10) == 0)
        return "rows";
    if (strcmp(a, "execute") == 0)
        return "exec";
    return "all";
}

/* One table per object: roles down, commands across. */
static int matrix(SctlBuf *b, const SctlSchema *s, char *const *live)
{
    static const char *const cmds[] = {"select", "insert", "update",
                                       "delete", "execute"};
    int differ = 0;
    for (int i = 0; i < s->ncells;) {
        const SctlAccessCell *first = &s->cells[i];
        int end = i;
        while (end < s->ncells &&
               strcmp(s->cells[end].object, first->object) == 0 &&
               strcmp(s->cells[end].kind, first->kind) == 0)
            end++;
        const char *present[5];
        int np = 0;
        for (int c = 0; c < 5; c++)
            for (int k = i; k < end; k++)
                if (strcmp(s->cells[k].command, cmds[c]) == 0) {
                    present[np++] = cmds[c];
                    break;
                }
        sctl_buf_printf(b, "<h3>%s ", first->kind);
        html(b, first->object);
        sctl_buf_puts(b, " <small>(");
        where(b, sctl_file(s, first->file), first->line);
        sctl_buf_puts(b, ")</small></h3>\n<table><tr><th>role</th>");
        for (int c = 0; c < np; c++)
            sctl_buf_printf(b, "<th>%s</th>", present[c]);
        sctl_buf_puts(b, "</tr>\n");
        for (int k = i; k < end;) {
            const char *role = s->cells[k].role;
            sctl_buf_puts(b, "<tr><th>");
            html(b, role);
            sctl_buf_puts(b, "</th>");
            for (int c = 0; c < np; c++) {
                int at = -1;
                for (int j = k; j < end && strcmp(s->cells[j].role, role) == 0;
                     j++)
                    if (strcmp(s->cells[j].command, present[c]) == 0)
                        at = j;
                if (at < 0) {
                    sctl_buf_puts(b, "<td></td>");
                    continue;
                }
                const char *decl = s->cells[at].access;
                const char *have = live ? live[at] : NULL;
                bool diff = have && !sctl_same_access(decl, have);
                differ += diff;
                sctl_buf_printf(b, "<td class=\"%s%s\">", access_class(decl),
                                diff ? " differs" : "");
                html(b, decl);
                if (diff) {
                    sctl_buf_puts(b, "<span class=\"live\">live: ");
                    html(b, have);
                    sctl_buf_puts(b, "</span>");
                }
                sctl_buf_puts(b, "</td>");
            }
            sctl_buf_puts(b, "</tr>\n");
            while (k < end && strcmp(s->cells[k].role, role) == 0)
                k++;
        }
        sctl_buf_puts(b, "</table>\n");
        i = end;
    }
    return differ;
}

/* What a function printing to a FILE prints, as text. */
typedef struct Captured {
    char *text;
    size_t len;
    FILE *f;
} Captured;

static bool capture(Captured *c)
{
    c->text = NULL;
    c->len = 0;
    c->f = open_memstream(&c->text, &c->len);
    return c->f != NULL;
}

static char *captured(Captured *c)
{
    fclose(c->f);
    return c->text ? c->text : sctl_xstrdup("");
}

static void card(SctlBuf *b, const char *cls, long n, const char *what)
{
    sctl_buf_printf(b, "<div class=\"card %s\"><b>%ld</b>%s</div>\n", cls, n,
                    what);
}

static bool write_file(const char *dir, const char *body, char **err)
{
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        *err = sctl_printf("report: cannot make %s: %s", dir,
                           strerror(errno));
        return false;
    }
    char *tmp = sctl_printf("%s/.index.html.%d", dir, (int)getpid());
    char *path = sctl_printf("%s/index.html", dir);
    FILE *f = fopen(tmp, "w");
    bool ok = f && fputs(body, f) >= 0;
    ok = f && fclose(f) == 0 && ok;
    if (ok && rename(tmp, path) != 0)
        ok = false;
    if (!ok) {
        *err = sctl_printf("report: cannot write %s: %s", path,
                           strerror(errno));
        unlink(tmp);
    }
    free(tmp);
    free(path);
    return ok;
}

int cmd_report(Ctx *c, SctlDeclared *d, const char *dir)
{
    const SctlSchema *s = c->s;
    char *err = NULL;
    SctlFacets *live;
    SctlDiffs diffs;
    int status = cmd_compare(c, d, &live, &diffs);
    if (status != SCTL_OK)
        return status;
    Captured cap;
    char *drift = NULL, *tests = NULL;
    if (capture(&cap)) {
        sctl_diffs_print(s, &diffs, cap.f);
        drift = captured(&cap);
    }
    int ndrift = diffs.len;
    sctl_diffs_free(&diffs);
    sctl_facets_free(live);
    int test_status = SCTL_OK;
    if (s->ntests && capture(&cap)) {
        test_status = sctl_run_tests(c->conn.pg, s, cap.f);
        tests = captured(&cap);
    }
    char **access = sctl_live_access(c->conn.pg, s, &err);
    if (!access) {
        fprintf(stderr, "%s: %s\n", sctl_progname, err);
        free(err);
        err = NULL;
    }
    int ntables = 0;
    char *dot = sctl_er_dot(c->conn.pg, s, &ntables, &err);
    char *svg = dot ? sctl_dot_svg(dot, &err) : NULL;

    SctlBuf b = {0};
    char when[64];
    time_t now = time(NULL);
    strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", gmtime(&now));
    sctl_buf_puts(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
                      "charset=\"utf-8\"><title>");
    html(&b, s->project);
    sctl_buf_printf(&b, " — schema report</title><style>%s</style></head>"
                        "<body>\n<header><h1>", CSS);
    html(&b, s->project);
    sctl_buf_puts(&b, "</h1><p>database ");
    html(&b, PQdb(c->conn.pg));
    sctl_buf_printf(&b, " · schema %.12s · %s</p></header>\n<main>\n",
                    s->checksum, when);

    /* the matrix first: the differing cells are counted while written */
    SctlBuf m = {0};
    int differ = matrix(&m, s, access);
    /* the counts from test's own summary line */
    int passed = 0, failed = 0, ntests = 0;
    for (const char *p = tests; p && *p; p += strcspn(p, "\n") + 1) {
        if (sscanf(p, "%d tests, %d passed, %d failed", &ntests, &passed,
                   &failed) == 3 ||
            sscanf(p, "%d test, %d passed, %d failed", &ntests, &passed,
                   &failed) == 3)
            break;
        if (!p[strcspn(p, "\n")])
            break;
    }
    sctl_buf_puts(&b, "<div class=\"cards\">\n");
    card(&b, ndrift ? "bad" : "ok", ndrift, "differences from the schema");
    card(&b, differ ? "bad" : "ok", differ,
         access ? "access cells that differ" : "access cells (not read)");
    card(&b, failed ? "bad" : "ok", passed, "tests passed");
    card(&b, failed ? "bad" : "ok", failed, "tests failed");
    card(&b, s->nfindings ? "warn" : "ok", s->nfindings, "lint warnings");
    card(&b, "", ntables, "tables");
    sctl_buf_puts(&b, "</div>\n<h2>Verify</h2>\n");
    findings(&b, drift, false);
    sctl_buf_puts(&b, "<h2>Tests</h2>\n");
    if (tests)
        findings(&b, tests, true);
    else
        sctl_buf_puts(&b, "<p class=\"note\">The schema declares no "
                          "test.</p>\n");
    sctl_buf_puts(&b, "<h2>Lint</h2>\n<ul class=\"findings\">\n");
    for (int i = 0; i < s->nfindings; i++)
        finding(&b, "", s->findings[i], "");
    if (!s->nfindings)
        sctl_buf_puts(&b, "<li>none</li>\n");
    sctl_buf_puts(&b, "</ul>\n");
    sctl_buf_puts(&b, "<h2>Access matrix</h2>\n<p class=\"note\">As the "
                      "schema declares it (docs/matrix.md); a cell the live "
                      "database has otherwise is outlined, with what it "
                      "has.</p>\n");
    char *mt = sctl_buf_take(&m);
    sctl_buf_puts(&b, mt);
    free(mt);
    sctl_buf_puts(&b, "<h2>Tables and foreign keys</h2>\n");
    if (svg) {
        sctl_buf_puts(&b, "<div class=\"diagram\">");
        sctl_buf_puts(&b, svg);
        sctl_buf_puts(&b, "</div>\n");
    } else {
        sctl_buf_puts(&b, "<p class=\"note\">No diagram: ");
        html(&b, err ? err : "no tables");
        sctl_buf_puts(&b, "</p>\n");
    }
    sctl_buf_puts(&b, "</main></body></html>\n");

    char *page = sctl_buf_take(&b);
    char *werr = NULL;
    bool ok = write_file(dir, page, &werr);
    if (ok)
        printf("report: %s/index.html: %d differences, %d access cells "
               "differ, %d tests passed, %d failed, %d lint warnings\n", dir,
               ndrift, differ, passed, failed, s->nfindings);
    free(page);
    free(err);
    free(dot);
    free(svg);
    free(drift);
    free(tests);
    for (int i = 0; access && i < s->ncells; i++)
        free(access[i]);
    free(access);
    if (!ok)
        return cmd_fail(SCTL_USAGE, werr);
    return ndrift || differ || test_status != SCTL_OK ? SCTL_DRIFT : SCTL_OK;
}
