/*
 * plan_enums.c — changing an enum's labels.
 *
 * Labels only added keep the type: ALTER TYPE ... ADD VALUE, each at its
 * declared place (AFTER the label before it, or BEFORE the first kept
 * one).  These steps commit first, in a transaction of their own:
 * PostgreSQL refuses a label in the transaction that added it, and the
 * same version may use it in a default, a check or a function.
 *
 * A label removed, or the labels reordered, makes the type again under its
 * own name: the old one renamed away, everything that depends on it
 * dropped and made again (as plan_depends.c does), the new one made by its
 * canonical statement, each column converted through text at its table
 * (rows holding a removed label become NULL: that needs
 * --allow-data-loss, and is counted first), and the old type dropped last.
 */
#include "plan.h"

#include <stdlib.h>
#include <string.h>

/*
 * An enum's labels as the reader prints them: quote_literal of each,
 * joined by ','.  Returns the next label (malloc'd) and advances *p, or
 * NULL at the end.  E'' literals are what quote_literal makes of a label
 * with a backslash.
 */
static char *next_label(const char **p)
{
    const char *s = *p;
    if (!s || !*s)
        return NULL;
    bool e = *s == 'E';
    s += e + 1;                       /* the opening quote */
    SctlBuf b = {0};
    sctl_buf_put(&b, "", 0);
    while (*s && !(*s == '\'' && s[1] != '\'')) {
        if (*s == '\'' || (e && *s == '\\'))
            s++;
        sctl_buf_put(&b, s, 1);
        s++;
    }
    s += *s == '\'';
    *p = s + (*s == ',');
    return sctl_buf_take(&b);
}

/* The position of label in labels, or -1. */
static int label_at(const char *labels, const char *label)
{
    int k = 0, at = -1;
    for (char *l; at < 0 && (l = next_label(&labels)); free(l), k++)
        if (strcmp(l, label) == 0)
            at = k;
    return at;
}

/* Only additions: every live label is declared, in the same order. */
static bool only_added(const char *live, const char *decl)
{
    int last = -1;
    bool ok = true;
    for (char *l; ok && (l = next_label(&live)); free(l)) {
        int at = label_at(decl, l);
        ok = at > last;
        last = at;
    }
    return ok;
}

/* Does a live label have no place among the declared ones? */
static bool removes_label(const char *live, const char *decl)
{
    bool gone = false;
    for (char *l; !gone && (l = next_label(&live)); free(l))
        gone = label_at(decl, l) < 0;
    return gone;
}

/* The first declared label the live type has, or NULL (malloc'd). */
static char *first_kept(const char *live, const char *decl)
{
    for (char *l; (l = next_label(&decl)); free(l))
        if (label_at(live, l) >= 0)
            return l;
    return NULL;
}

static bool is_enum_change(State *st, int i)
{
    return obj(st, i)->kind == SCTL_K_TYPE && !st->missing[i] &&
           decl_of(st, i) && live_of(st, i) && differs(st, i, "labels") &&
           sctl_field(live_of(st, i), "labels") &&
           sctl_field(decl_of(st, i), "labels") &&
           !differs(st, i, "definition");
}

void plan_enum_labels(State *st, int i)
{
    if (st->rebuild[i] || st->recreate[i])
        return;
    if (!differs(st, i, "labels") && !differs(st, i, "definition"))
        return;
    if (!is_enum_change(st, i)) {
        add(st, -1, NULL, i)->why = sctl_xstrdup(
            "the type's definition changed; it cannot be altered in place");
        return;
    }
    const SctlObject *o = obj(st, i);
    const char *live = sctl_field(live_of(st, i), "labels");
    const char *decl = sctl_field(decl_of(st, i), "labels");
    char *anchor = first_kept(live, decl);
    char *prev = NULL, *label;
    for (const char *p = decl; (label = next_label(&p)); prev = label) {
        SctlStep *step = NULL;
        if (label_at(live, label) >= 0)
            ;
        else if (prev)
            step = SHAPE(st, i, SCTL_SHAPE_ADD_ENUM_VALUE_AFTER, o->schema,
                         o->name, label, prev);
        else if (anchor)
            step = SHAPE(st, i, SCTL_SHAPE_ADD_ENUM_VALUE_BEFORE, o->schema,
                         o->name, label, anchor);
        else
            step = SHAPE(st, i, SCTL_SHAPE_ADD_ENUM_VALUE, o->schema,
                         o->name, label);
        if (step)
            step->first = true;
        free(prev);
    }
    free(prev);
    free(anchor);
}

/* The declared labels as an array literal: {"a","b"}. */
static char *label_array(const char *labels)
{
    SctlBuf b = {0};
    for (char *l; (l = next_label(&labels)); free(l))
        sctl_array_add(&b, l);
    return sctl_array_take(&b);
}

static char *old_name(const SctlObject *o)
{
    return sctl_printf("%.40s_schemac_old", o->name);
}

static void rebuild(State *st, int i)
{
    const SctlObject *o = obj(st, i);
    const char *key = st->d->keys[i];
    char *w = plan_key_words(key);
    st->rebuild[i] = st->recreate[i] = true;
    plan_gone(st, key);
    /* its columns: what reads them goes, their defaults go */
    const SctlDependent *deps;
    int n;
    plan_dependents_of(st, key, &deps, &n);
    for (int k = 0; k < n; k++) {
        if (deps[k].kind != SCTL_K_COLUMN || deps[k].is_default)
            continue;
        int c = plan_declared(st, deps[k].key);
        char *cw = plan_key_words(deps[k].key);
        if (c < 0 || !obj(st, c)->type) {
            add(st, -1, NULL, i)->why = sctl_printf(
                "%s is of %s, which is made again, and is not declared: "
                "declare it, or drop it first", cw, w);
        } else {
            st->retype[c] = i;
            plan_make_way(st, deps[k].key, cw, true);
            const SctlObject *col = obj(st, c);
            if (col->default_expr && !st->redefault[c]) {
                SHAPE(st, c, SCTL_SHAPE_DROP_DEFAULT, col->schema,
                      col->table, col->name);
                st->redefault[c] = true;
            }
        }
        free(cw);
    }
    /* everything else that names the type: functions, views, checks */
    plan_make_way(st, key, w, false);
    char *old = old_name(o);
    SHAPE(st, i, SCTL_SHAPE_RENAME_TYPE, o->schema, o->name, old);
    free(old);
    free(w);
}

void plan_enum_rebuilds(State *st)
{
    for (int i = 0; i < st->s->nobjects; i++)
        if (is_enum_change(st, i) &&
            !only_added(sctl_field(live_of(st, i), "labels"),
                        sctl_field(decl_of(st, i), "labels")))
            rebuild(st, i);
}

bool plan_enum_column(State *st, int c)
{
    int t = st->retype[c];
    if (t < 0)
        return false;
    const SctlObject *o = obj(st, c);
    const char *s = o->schema, *tb = o->table, *n = o->name;
    size_t len = strlen(o->type);
    if (len > 2 && strcmp(o->type + len - 2, "[]") == 0) {
        add(st, -1, NULL, c)->why = sctl_xstrdup(
            "an array of an enum that is made again cannot be converted");
        return true;
    }
    char *labels = label_array(sctl_field(decl_of(st, t), "labels"));
    SctlStep *step = SHAPE(st, c, SCTL_SHAPE_ALTER_TYPE_VIA_TEXT, s, tb, n,
                           o->type, n, labels, n, o->type);
    /* with a label removed, it loses data until its row check finds no row
     * holding one (a migration file, planned without the rows, keeps it) */
    step->data_loss = removes_label(sctl_field(live_of(st, t), "labels"),
                                    sctl_field(decl_of(st, t), "labels"));
    PROBE(step, SCTL_PROBE_LOST_LABELS, SCTL_SHAPE_COUNT_LABELS_OUTSIDE, s, tb, n,
          labels);
    free(labels);
    return true;
}

void plan_enum_drop_old(State *st)
{
    for (int i = 0; i < st->s->nobjects; i++) {
        if (!st->rebuild[i])
            continue;
        char *old = old_name(obj(st, i));
        SHAPE(st, i, SCTL_SHAPE_DROP_TYPE, obj(st, i)->schema, old);
        free(old);
    }
}
