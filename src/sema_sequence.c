/*
 * sema_sequence.c — a sequence's options checked as PostgreSQL checks
 * them (DefineSequence's init_params), and the ones not written filled in
 * as it would: so that every option can be spelt out in the repair, and a
 * sequence the database holds with other options is brought back.
 */
#include "sema.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* The value of a number parse_sequence took (a minus, then digits). */
static bool number(Sema *s, const Token *t, long long *out)
{
    bool minus = tok_op(t, "-");
    const Token *digits = minus ? t + 1 : t;
    char *text = arena_strndup(s->arena, tok_text(digits), digits->len);
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno || *end) {
        sema_error(s, digits, "%s%s is not a whole number of 64 bits",
                   minus ? "-" : "", text);
        return false;
    }
    *out = minus ? -v : v;
    return true;
}

static const char *type_of(Sema *s, Sequence *q, long long *lo,
                           long long *hi)
{
    static const struct {
        const char *word, *type;
        long long lo, hi;
    } types[] = {
        {"smallint", "smallint", -32768, 32767},
        {"int2", "smallint", -32768, 32767},
        {"integer", "integer", INT_MIN, INT_MAX},
        {"int", "integer", INT_MIN, INT_MAX},
        {"int4", "integer", INT_MIN, INT_MAX},
        {"bigint", "bigint", LLONG_MIN, LLONG_MAX},
        {"int8", "bigint", LLONG_MIN, LLONG_MAX},
    };
    const char *w = q->type.name ? q->type.name : "bigint";
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(w, types[i].word) == 0) {
            *lo = types[i].lo;
            *hi = types[i].hi;
            return types[i].type;
        }
    sema_error(s, q->type.tok, "sequence type must be smallint, integer "
               "or bigint, not \"%s\"", w);
    return NULL;
}

/* What PostgreSQL takes for the options not written, and its checks. */
static void values(Sema *s, Decl *d, Sequence *q)
{
    long long lo, hi;
    q->type_name = type_of(s, q, &lo, &hi);
    if (!q->type_name)
        return;
    q->inc = 1;
    q->cache_n = 1;
    if ((q->increment && !number(s, q->increment, &q->inc)) ||
        (q->cache && !number(s, q->cache, &q->cache_n)))
        return;
    if (q->inc == 0) {
        sema_error(s, q->increment, "INCREMENT must not be zero");
        return;
    }
    q->min = q->inc > 0 ? 1 : lo;
    q->max = q->inc > 0 ? hi : -1;
    if ((q->minvalue && !number(s, q->minvalue, &q->min)) ||
        (q->maxvalue && !number(s, q->maxvalue, &q->max)))
        return;
    if (q->min < lo || q->min > hi) {
        sema_error(s, q->minvalue, "MINVALUE (%lld) is out of range for "
                   "sequence data type %s", q->min, q->type_name);
        return;
    }
    if (q->max < lo || q->max > hi) {
        sema_error(s, q->maxvalue, "MAXVALUE (%lld) is out of range for "
                   "sequence data type %s", q->max, q->type_name);
        return;
    }
    if (q->min >= q->max) {
        sema_error(s, q->minvalue ? q->minvalue : d->name.tok,
                   "MINVALUE (%lld) must be less than MAXVALUE (%lld)",
                   q->min, q->max);
        return;
    }
    q->first = q->inc > 0 ? q->min : q->max;
    if (q->start && !number(s, q->start, &q->first))
        return;
    if (q->first < q->min || q->first > q->max)
        sema_error(s, q->start, "START value (%lld) cannot be %s than "
                   "%s (%lld)", q->first, q->first < q->min ? "less"
                   : "greater", q->first < q->min ? "MINVALUE" : "MAXVALUE",
                   q->first < q->min ? q->min : q->max);
    if (q->cache_n < 1)
        sema_error(s, q->cache, "CACHE (%lld) must be greater than zero",
                   q->cache_n);
}

/* owned by [schema.]table.column: a declared table of the same schema. */
static void owner(Sema *s, Decl *d, Sequence *q)
{
    if (!q->owned_by.len)
        return;
    int n = q->owned_by.len;
    const Ident *col = q->owned_by.items[n - 1];
    const Ident *tab = q->owned_by.items[n - 2];
    const char *schema = n == 3 ? ((Ident *)q->owned_by.items[0])->name
                                : d->schema;
    Decl *t = sema_find_relation(s, schema, tab->name);
    if (!t || t->kind != DECL_TABLE || t->external) {
        sema_error(s, tab->tok, "unknown table \"%s.%s\"%s", schema,
                   tab->name, sema_hint_relation(s, schema, tab->name));
        return;
    }
    if (strcmp(t->schema, d->schema) != 0) {
        sema_error(s, tab->tok, "sequence must be in same schema as table "
                   "it is linked to");
        return;
    }
    if (!sema_find_column(t, col->name)) {
        sema_error(s, col->tok, "unknown column \"%s\" in table \"%s\"%s",
                   col->name, t->name.name,
                   sema_hint_column(s, t, col->name));
        return;
    }
    q->owner = t;
    q->owner_column = col->name;
}

void sema_sequence(Sema *s, Decl *d)
{
    Sequence *q = d->seq;
    Item *comment = NULL;
    values(s, d, q);
    owner(s, d, q);
    static const char *const privs[] = {"usage", "select", "update", "all",
                                        NULL};
    for (int i = 0; i < d->items.len; i++) {
        Item *it = d->items.items[i];
        if (it->kind == ITEM_COMMENT) {
            if (comment)
                sema_error(s, it->tok, "a comment is declared twice here");
            comment = it;
            continue;
        }
        if (it->kind != ITEM_GRANT)
            continue;   /* the parser takes nothing else */
        Grant *g = it->u.grant;
        for (int k = 0; k < g->privs.len; k++) {
            const Ident *p = g->privs.items[k];
            bool ok = false;
            for (int j = 0; privs[j]; j++)
                ok |= strcmp(p->name, privs[j]) == 0;
            if (!ok)
                sema_error(s, p->tok, "privilege \"%s\" is not valid for a "
                           "sequence (usage, select, update)", p->name);
        }
        if (g->cols.len)
            sema_error(s, g->tok, "column privileges apply only to tables");
        sema_check_roles(s, &g->roles);
    }
}
