/*
 * lint_types.c — squawk's rules about column types, the ones a schema
 * (not a migration) decides: timestamp without time zone, char(n),
 * varchar(n) and serial columns.
 */
#include "lint.h"

#include <ctype.h>
#include <string.h>

/* The type as written, folded, single-spaced, without its (n). */
static char *type_words(Lint *l, const Column *c, bool *sized)
{
    const Frag *f = &c->type;
    char *s = arena_alloc(l->arena, f->len + 1), *o = s;
    int depth = 0;
    *sized = false;
    for (size_t i = 0; i < f->len; i++) {
        char ch = f->src->text[f->off + i];
        if (ch == '(') {
            depth++;
            *sized = true;
        } else if (ch == ')') {
            depth--;
        } else if (!depth && isspace((unsigned char)ch)) {
            if (o != s && o[-1] != ' ')
                *o++ = ' ';
        } else if (!depth) {
            *o++ = (char)tolower((unsigned char)ch);
        }
    }
    while (o != s && o[-1] == ' ')
        o--;
    *o = '\0';
    return s;
}

static bool is(const char *type, const char *const *names)
{
    for (int i = 0; names[i]; i++)
        if (strcmp(type, names[i]) == 0 ||
            (strncmp(type, "pg_catalog.", 11) == 0 &&
             strcmp(type + 11, names[i]) == 0))
            return true;
    return false;
}

static void column(Lint *l, const Decl *t, const Column *c)
{
    static const char *const timestamp[] = {
        "timestamp", "timestamp without time zone", NULL};
    static const char *const chars[] = {"char", "character", "bpchar", NULL};
    static const char *const varchars[] = {"varchar", "character varying",
                                           NULL};
    static const char *const serials[] = {"serial", "serial4", "bigserial",
                                          "serial8", "smallserial", "serial2",
                                          NULL};
    bool sized;
    const char *type = type_words(l, c, &sized);
    const Frag *f = &c->type;
    if (is(type, timestamp))
        lint_warn_at(l, t, "prefer_timestamptz", f->src, f->off, f->len,
                     "column \"%s\" is timestamp without time zone, which "
                     "drops the offset of every value written: use "
                     "timestamptz", c->name.name);
    else if (is(type, chars))
        lint_warn_at(l, t, "ban_char_field", f->src, f->off, f->len,
                     "column \"%s\" is char, which pads values with spaces "
                     "and checks nothing: use text (with a check on its "
                     "length if one matters)", c->name.name);
    else if (is(type, varchars) && sized)
        lint_warn_at(l, t, "prefer_text_field", f->src, f->off, f->len,
                     "column \"%s\" is varchar(n), whose limit changes only "
                     "under an access exclusive lock: use text with a check "
                     "on its length", c->name.name);
    else if (is(type, serials))
        lint_warn_at(l, t, "prefer_identity", f->src, f->off, f->len,
                     "column \"%s\" is %s: use `generated always as "
                     "identity`, the SQL standard's form, whose sequence "
                     "goes with the column",
                     c->name.name, type);
}

void lint_column_types(Lint *l, const Decl *t)
{
    for (int i = 0; i < t->columns.len; i++)
        column(l, t, t->columns.items[i]);
}
