/*
 * verify_format.c — verify --format json|sarif|github: each difference
 * (and each pending or refused rename) as one diagnostic at the `.schema`
 * file:line:col of the object that declares it, in the document shape
 * `schemac check --format` writes (diag_doc.c).
 */
#include "commands.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    DocRecord *items;
    char **texts;             /* the messages, owned */
    int len, cap;
} Records;

static void add(Records *r, const SctlSchema *s, const SctlObject *o,
                const char *rule, char *message)
{
    if (r->len == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->items = realloc(r->items, (size_t)r->cap * sizeof *r->items);
        r->texts = realloc(r->texts, (size_t)r->cap * sizeof *r->texts);
        if (!r->items || !r->texts) {
            fputs("out of memory\n", stderr);
            abort();
        }
    }
    r->texts[r->len] = message;
    r->items[r->len++] = (DocRecord){
        "error", o ? sctl_file(s, o->file) : NULL, o ? o->line : 0,
        o ? o->col : 0, message, rule, NULL, 0};
}

/* A difference's line, as a string (malloc'd). */
static char *text_of(const SctlSchema *s, const SctlDiff *d)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) {
        fputs("out of memory\n", stderr);
        abort();
    }
    sctl_diff_text(s, d, f);
    fclose(f);
    return buf;
}

static const char *rule_of(const SctlDiff *d)
{
    return !d->live && !d->declared ? "internal"
         : !d->live ? "missing" : d->object < 0 ? "unexpected" : "drift";
}

void cmd_verify_document(const Ctx *c, const SctlDiffs *diffs, FILE *out)
{
    const SctlSchema *s = c->s;
    Records r = {0};
    for (int i = 0; i < c->renames.len; i++) {
        const SctlStep *st = &c->renames.steps[i];
        char *m = sctl_printf("%s%s", st->why ? "cannot: "
                              : "rename pending: ",
                              st->why ? st->why : st->sql);
        m[strcspn(m, "\n")] = '\0';
        add(&r, s, &s->objects[st->object],
            st->why ? "rename_refused" : "rename_pending", m);
    }
    for (int i = 0; i < diffs->len; i++) {
        const SctlDiff *d = &diffs->items[i];
        add(&r, s, sctl_diff_where(s, d), rule_of(d), text_of(s, d));
    }
    for (int i = 0; i < diffs->undeclared.len; i++) {
        const SctlUndeclared *u = &diffs->undeclared.items[i];
        char *m = sctl_printf("unexpected: %s %s.%s (not declared)",
                              u->word, u->schema, u->name);
        add(&r, s, NULL, "unexpected", m);
    }
    doc_write(out, c->format, sctl_progname, r.items, r.len);
    for (int i = 0; i < r.len; i++)
        free(r.texts[i]);
    free(r.texts);
    free(r.items);
}

bool cmd_format_option(int argc, char **argv, int *i, DocFormat *f, bool *ok)
{
    const char *w = argv[*i], *v;
    if (strncmp(w, "--format=", 9) == 0)
        v = w + 9;
    else if (strcmp(w, "--format") != 0)
        return false;
    else
        v = *i + 1 < argc ? argv[++*i] : "";
    *ok = doc_format_named(v, f);
    if (!*ok)
        fprintf(stderr, "%s: --format takes text, json, sarif or github\n",
                sctl_progname);
    return true;
}

int cmd_format_check(const Ctx *c, const char *const *commands, int n)
{
    if (c->format == DOC_TEXT || (n == 1 && strcmp(commands[0], "verify") == 0))
        return SCTL_OK;
    fprintf(stderr, "%s: --format is for verify alone (standard output "
            "holds the one document)\n", sctl_progname);
    return SCTL_USAGE;
}
