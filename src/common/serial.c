/*
 * serial.c — an SctlSchema as text and back (serial.h).  Strings are
 * written with their length, so statements keep every byte; kinds and
 * roles by their words, so a reordered enum still reads old text.
 */
#include "serial.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A field added to SctlObject must be written and read here too. */
#if UINTPTR_MAX == 0xffffffffffffffffu
_Static_assert(sizeof(SctlObject) == 160,
               "serial.c: SctlObject changed: serialise the new field");
#endif

#define MAGIC "schemac-schema 1\n"

/* ----------------------------------------------------------- writing */

typedef struct Out {
    char *data;
    size_t len, cap;
    bool failed;
} Out;

static void put(Out *o, const char *s, size_t n)
{
    if (o->failed)
        return;
    if (o->len + n + 1 > o->cap) {
        size_t cap = o->cap ? o->cap : 4096;
        while (cap < o->len + n + 1)
            cap *= 2;
        char *p = realloc(o->data, cap);
        if (!p) {
            o->failed = true;
            return;
        }
        o->data = p;
        o->cap = cap;
    }
    memcpy(o->data + o->len, s, n);
    o->len += n;
    o->data[o->len] = '\0';
}

static void put_str(Out *o, const char *s)
{
    char head[32];
    if (!s) {
        put(o, " -", 2);
        return;
    }
    size_t n = strlen(s);
    int k = snprintf(head, sizeof head, " %zu:", n);
    put(o, head, (size_t)k);
    put(o, s, n);
}

static void put_int(Out *o, long v)
{
    char num[32];
    int k = snprintf(num, sizeof num, " %ld", v);
    put(o, num, (size_t)k);
}

static void put_word(Out *o, const char *w)
{
    put(o, w, strlen(w));
}

static const char *const role_words[] = {
#define SCTL_ROLE_WORD(name, word) word,
    SCTL_ROLE_LIST(SCTL_ROLE_WORD)
#undef SCTL_ROLE_WORD
};
enum { NROLES = sizeof role_words / sizeof role_words[0] };

/* ORDER SctlStepKind */
static const char *const step_words[] = {"setup", "rows", "error"};
enum { NSTEPKINDS = sizeof step_words / sizeof step_words[0] };
_Static_assert(SCTL_STEP_ERROR + 1 == NSTEPKINDS, "step_words: ORDER");

static void dump_object(Out *o, const SctlObject *x)
{
    put_word(o, "object ");
    put_word(o, sctl_kind_words[x->kind]);
    put_str(o, x->schema);
    put_str(o, x->table);
    put_str(o, x->name);
    put_str(o, x->signature);
    put_int(o, x->parent);
    put_int(o, x->file);
    put_int(o, x->line);
    put_int(o, x->col);
    put_int(o, x->make);
    put_str(o, x->definition);
    put_str(o, x->default_expr);
    put_str(o, x->type);
    put_int(o, x->grants_declared);
    put_int(o, x->comment_declared);
    put_int(o, x->inline_in_parent);
    put_int(o, x->concurrently);
    put_str(o, x->probe);
    put_str(o, x->backfill);
    put_str(o, x->nullable_definition);
    put_str(o, x->renamed_from);
    put_str(o, x->arguments);
    put_str(o, x->label_renames);
    put_str(o, x->sequence);
    put_str(o, x->sequence_renamed_from);
    put(o, "\n", 1);
}

static void dump_statement(Out *o, const SctlStatement *x)
{
    put_word(o, "statement ");
    put_word(o, role_words[x->role]);
    put_int(o, x->object);
    put_int(o, x->file);
    put_int(o, x->line);
    put_int(o, x->continues);
    put_str(o, x->sql);
    put(o, "\n", 1);
}

static void dump_test_step(Out *o, const SctlTestStep *x)
{
    put_word(o, "step ");
    put_word(o, step_words[x->kind]);
    put_str(o, x->role);
    put_str(o, x->claims);
    put_int(o, x->counted);
    put_int(o, x->rows);
    put_str(o, x->sqlstate);
    put_int(o, x->file);
    put_int(o, x->line);
    put_int(o, x->col);
    put_str(o, x->sql);
    put(o, "\n", 1);
}

static void dump_head(Out *o, const SctlSchema *s)
{
    put_word(o, MAGIC "schema");
    put_str(o, s->project);
    put_str(o, s->checksum);
    put_int(o, s->supabase);
    put_int(o, s->nfiles);
    put_int(o, s->nschemas);
    put_int(o, s->nobjects);
    put_int(o, s->nstatements);
    put_int(o, s->ntests);
    put_int(o, s->nsteps);
    put_int(o, s->ncells);
    put_int(o, s->nfindings);
    put(o, "\n", 1);
}

static void dump_cell(Out *o, const SctlAccessCell *x)
{
    put_word(o, "cell");
    put_str(o, x->role);
    put_str(o, x->object);
    put_str(o, x->kind);
    put_str(o, x->command);
    put_str(o, x->access);
    put_int(o, x->file);
    put_int(o, x->line);
    put(o, "\n", 1);
}

char *sctl_schema_dump(const SctlSchema *s)
{
    Out o = {0};
    dump_head(&o, s);
    for (int i = 0; i < s->nfiles; i++) {
        put_word(&o, "file");
        put_str(&o, s->files[i]);
        put(&o, "\n", 1);
    }
    for (int i = 0; i < s->nschemas; i++) {
        put_word(&o, "managed");
        put_str(&o, s->schemas[i]);
        put(&o, "\n", 1);
    }
    for (int i = 0; i < s->nobjects; i++)
        dump_object(&o, &s->objects[i]);
    for (int i = 0; i < s->nstatements; i++)
        dump_statement(&o, &s->statements[i]);
    for (int i = 0; i < s->ntests; i++) {
        put_word(&o, "test");
        put_str(&o, s->tests[i].name);
        put_int(&o, s->tests[i].first);
        put_int(&o, s->tests[i].nsteps);
        put(&o, "\n", 1);
    }
    for (int i = 0; i < s->nsteps; i++)
        dump_test_step(&o, &s->steps[i]);
    for (int i = 0; i < s->ncells; i++)
        dump_cell(&o, &s->cells[i]);
    for (int i = 0; i < s->nfindings; i++) {
        put_word(&o, "finding");
        put_str(&o, s->findings[i]);
        put(&o, "\n", 1);
    }
    if (o.failed) {
        free(o.data);
        return NULL;
    }
    return o.data;
}

/* ----------------------------------------------------------- reading */

/*
 * The loaded schema and the one buffer its strings live in: a copy of
 * the text in which the blank after each string became its NUL.
 */
typedef struct Loaded {
    SctlSchema s;           /* first: sctl_schema_free casts back */
    char *text;
    const char **files, **schemas;
    SctlObject *objects;
    SctlStatement *statements;
    SctlTest *tests;
    SctlTestStep *steps;
    SctlAccessCell *cells;
    const char **findings;
} Loaded;

typedef struct In {
    char *p, *end;
    char cut;               /* the byte at p before it became a NUL */
    bool bad;
} In;

/* The byte at the cursor, as it was written. */
static char at(const In *in)
{
    return in->cut ? in->cut : in->p < in->end ? *in->p : '\0';
}

/* Steps over the blank before a field. */
static bool blank(In *in)
{
    if (in->bad || at(in) != ' ')
        return in->bad = true, false;
    in->p++;
    in->cut = '\0';
    return true;
}

/* The record's word at the start of a line. */
static bool word(In *in, const char *w)
{
    size_t n = strlen(w);
    if (in->bad || (size_t)(in->end - in->p) <= n ||
        strncmp(in->p, w, n) != 0 || (in->p[n] != ' ' && in->p[n] != '\n'))
        return in->bad = true, false;
    in->p += n;
    return true;
}

static long get_int(In *in)
{
    if (!blank(in))
        return 0;
    char *after;
    long v = strtol(in->p, &after, 10);
    if (after == in->p || (*after != ' ' && *after != '\n'))
        in->bad = true;
    in->p = after;
    return v;
}

/* "-" (NULL) or "LEN:BYTES", cut off by a NUL where the next blank or
 * the newline was. */
static const char *get_str(In *in)
{
    if (!blank(in))
        return NULL;
    if (in->p[0] == '-' && (in->p[1] == ' ' || in->p[1] == '\n')) {
        in->p++;
        return NULL;
    }
    char *after;
    unsigned long n = strtoul(in->p, &after, 10);
    if (after == in->p || *after != ':' || *in->p == '-' ||
        (unsigned long)(in->end - after - 1) < n + 1)
        return in->bad = true, NULL;
    char *s = after + 1;
    in->p = s + n;
    if (*in->p != ' ' && *in->p != '\n')
        return in->bad = true, NULL;
    in->cut = *in->p;
    *in->p = '\0';
    return s;
}

static void end_line(In *in)
{
    if (in->bad || at(in) != '\n') {
        in->bad = true;
        return;
    }
    in->p++;
    in->cut = '\0';
}

/* The index of w in words[n], or -1 (and the input is bad). */
static int get_word(In *in, const char *const *words, int n)
{
    if (!blank(in))
        return -1;
    size_t len = strcspn(in->p, " \n");
    for (int i = 0; i < n; i++)
        if (strlen(words[i]) == len && strncmp(in->p, words[i], len) == 0) {
            in->p += len;
            return i;
        }
    in->bad = true;
    return -1;
}

/* A count that fits the text: every record takes a line of it. */
static int get_count(In *in)
{
    long v = get_int(in);
    if (v < 0 || v > in->end - in->p)
        in->bad = true;
    return in->bad ? 0 : (int)v;
}

static void load_object(In *in, SctlObject *x)
{
    word(in, "object");
    int kind = get_word(in, sctl_kind_words, SCTL_NKINDS);
    x->kind = kind < 0 ? SCTL_K_ROLE : (SctlKind)kind;
    x->schema = get_str(in);
    x->table = get_str(in);
    x->name = get_str(in);
    x->signature = get_str(in);
    x->parent = (int)get_int(in);
    x->file = (int)get_int(in);
    x->line = (int)get_int(in);
    x->col = (int)get_int(in);
    x->make = (int)get_int(in);
    x->definition = get_str(in);
    x->default_expr = get_str(in);
    x->type = get_str(in);
    x->grants_declared = get_int(in) != 0;
    x->comment_declared = get_int(in) != 0;
    x->inline_in_parent = get_int(in) != 0;
    x->concurrently = get_int(in) != 0;
    x->probe = get_str(in);
    x->backfill = get_str(in);
    x->nullable_definition = get_str(in);
    x->renamed_from = get_str(in);
    x->arguments = get_str(in);
    x->label_renames = get_str(in);
    x->sequence = get_str(in);
    x->sequence_renamed_from = get_str(in);
    end_line(in);
}

static void load_statement(In *in, SctlStatement *x)
{
    word(in, "statement");
    int role = get_word(in, role_words, NROLES);
    x->role = role < 0 ? SCTL_STMT_MAKE : (SctlStatementRole)role;
    x->object = (int)get_int(in);
    x->file = (int)get_int(in);
    x->line = (int)get_int(in);
    x->continues = get_int(in) != 0;
    x->sql = get_str(in);
    end_line(in);
}

static void load_test_step(In *in, SctlTestStep *x)
{
    word(in, "step");
    int kind = get_word(in, step_words, NSTEPKINDS);
    x->kind = kind < 0 ? SCTL_STEP_SETUP : (SctlStepKind)kind;
    x->role = get_str(in);
    x->claims = get_str(in);
    x->counted = get_int(in) != 0;
    x->rows = get_int(in);
    x->sqlstate = get_str(in);
    x->file = (int)get_int(in);
    x->line = (int)get_int(in);
    x->col = (int)get_int(in);
    x->sql = get_str(in);
    end_line(in);
}

static void load_head(In *in, Loaded *l)
{
    SctlSchema *s = &l->s;
    word(in, "schema");
    s->project = get_str(in);
    s->checksum = get_str(in);
    s->supabase = get_int(in) != 0;
    s->nfiles = get_count(in);
    s->nschemas = get_count(in);
    s->nobjects = get_count(in);
    s->nstatements = get_count(in);
    s->ntests = get_count(in);
    s->nsteps = get_count(in);
    s->ncells = get_count(in);
    s->nfindings = get_count(in);
    end_line(in);
    if (in->bad)
        return;
    l->files = calloc((size_t)s->nfiles + 1, sizeof *l->files);
    l->schemas = calloc((size_t)s->nschemas + 1, sizeof *l->schemas);
    l->objects = calloc((size_t)s->nobjects + 1, sizeof *l->objects);
    l->statements = calloc((size_t)s->nstatements + 1, sizeof *l->statements);
    l->tests = calloc((size_t)s->ntests + 1, sizeof *l->tests);
    l->steps = calloc((size_t)s->nsteps + 1, sizeof *l->steps);
    l->cells = calloc((size_t)s->ncells + 1, sizeof *l->cells);
    l->findings = calloc((size_t)s->nfindings + 1, sizeof *l->findings);
    in->bad = !l->files || !l->schemas || !l->objects || !l->statements ||
              !l->tests || !l->steps || !l->cells || !l->findings;
}

/* The declared access matrix and the lint's findings (the report's). */
static void load_report(In *in, Loaded *l)
{
    for (int i = 0; !in->bad && i < l->s.ncells; i++) {
        SctlAccessCell *x = &l->cells[i];
        word(in, "cell");
        x->role = get_str(in);
        x->object = get_str(in);
        x->kind = get_str(in);
        x->command = get_str(in);
        x->access = get_str(in);
        x->file = (int)get_int(in);
        x->line = (int)get_int(in);
        end_line(in);
    }
    for (int i = 0; !in->bad && i < l->s.nfindings; i++) {
        word(in, "finding");
        l->findings[i] = get_str(in);
        end_line(in);
    }
}

/* Records in the order dump writes them. */
static void load_body(In *in, Loaded *l)
{
    const SctlSchema *s = &l->s;
    for (int i = 0; !in->bad && i < s->nfiles; i++) {
        word(in, "file");
        l->files[i] = get_str(in);
        end_line(in);
    }
    for (int i = 0; !in->bad && i < s->nschemas; i++) {
        word(in, "managed");
        l->schemas[i] = get_str(in);
        end_line(in);
    }
    for (int i = 0; !in->bad && i < s->nobjects; i++)
        load_object(in, &l->objects[i]);
    for (int i = 0; !in->bad && i < s->nstatements; i++)
        load_statement(in, &l->statements[i]);
    for (int i = 0; !in->bad && i < s->ntests; i++) {
        word(in, "test");
        l->tests[i].name = get_str(in);
        l->tests[i].first = (int)get_int(in);
        l->tests[i].nsteps = (int)get_int(in);
        end_line(in);
    }
    for (int i = 0; !in->bad && i < s->nsteps; i++)
        load_test_step(in, &l->steps[i]);
    load_report(in, l);
    if (in->p != in->end)
        in->bad = true;
}

/* Indexes between the tables point inside them, and required text is
 * there: a loaded schema is safe to plan with. */
static bool consistent(const SctlSchema *s)
{
    for (int i = 0; i < s->nobjects; i++) {
        const SctlObject *o = &s->objects[i];
        if (!o->name || o->parent < -1 || o->parent >= s->nobjects ||
            o->make < -1 || o->make >= s->nstatements)
            return false;
    }
    for (int i = 0; i < s->nstatements; i++)
        if (!s->statements[i].sql || s->statements[i].object < 0 ||
            s->statements[i].object >= s->nobjects)
            return false;
    for (int i = 0; i < s->ntests; i++)
        if (s->tests[i].first < 0 || s->tests[i].nsteps < 0 ||
            s->tests[i].first + s->tests[i].nsteps > s->nsteps)
            return false;
    for (int i = 0; i < s->nsteps; i++)
        if (!s->steps[i].sql)
            return false;
    return s->project && s->checksum;
}

SctlSchema *sctl_schema_load(const char *text, const char **err)
{
    size_t n = strlen(text);
    Loaded *l = calloc(1, sizeof *l);
    if (l)
        l->text = malloc(n + 1);
    if (!l || !l->text) {
        free(l);
        *err = "out of memory";
        return NULL;
    }
    memcpy(l->text, text, n + 1);
    In in = {l->text, l->text + n, '\0',
             strncmp(text, MAGIC, strlen(MAGIC)) != 0};
    if (!in.bad) {
        in.p += strlen(MAGIC);
        load_head(&in, l);
        load_body(&in, l);
    }
    l->s.files = l->files;
    l->s.schemas = l->schemas;
    l->s.objects = l->objects;
    l->s.statements = l->statements;
    l->s.tests = l->tests;
    l->s.steps = l->steps;
    l->s.cells = l->cells;
    l->s.findings = l->findings;
    if (in.bad || !consistent(&l->s)) {
        *err = "not a schema recorded by schemac (or from another version)";
        sctl_schema_free(&l->s);
        return NULL;
    }
    return &l->s;
}

void sctl_schema_free(SctlSchema *s)
{
    if (!s)
        return;
    Loaded *l = (Loaded *)s;
    free(l->text);
    free(l->files);
    free(l->schemas);
    free(l->objects);
    free(l->statements);
    free(l->tests);
    free(l->steps);
    free(l->cells);
    free(l->findings);
    free(l);
}
