/*
 * import_acl.c — an object's privileges (its aclitem[] as the server
 * prints it) as the grant and revoke items of the language.
 *
 * The order of an acl is the order of the grants that made it (a grantee
 * is appended at its first grant), and pg_dump prints it in that order,
 * so the items keep it: one item per run of grantees holding the same
 * privileges, in the acl's order.
 */
#include "schemac.h"

#include <string.h>

/* "name" or "\"quoted name\"" at *p, up to one of stop; NULL if bad. */
static char *acl_name(Arena *a, const char **p, const char *stop)
{
    Buf b = {0};
    const char *s = *p;
    bool quoted = false;
    for (; *s && (quoted || !strchr(stop, *s)); s++) {
        if (*s == '"') {
            if (quoted && s[1] == '"') {
                buf_putc(&b, '"');
                s++;
            } else
                quoted = !quoted;
        } else
            buf_putc(&b, *s);
    }
    *p = s;
    char *name = arena_strndup(a, b.data ? b.data : "", b.len);
    buf_free(&b);
    return name;
}

int import_acl_parse(Arena *a, const char *text, ImportAcl **out)
{
    Vec items = {0};
    const char *p = text;
    if (*p == '{')
        p++;
    while (*p && *p != '}') {
        bool wrapped = *p == '"';   /* the whole item quoted in the array */
        if (wrapped)
            p++;
        ImportAcl *e = arena_alloc(a, sizeof *e);
        /* in a quoted array item, names' quotes are escaped: \" */
        Buf b = {0};
        for (; *p && (wrapped ? *p != '"' : (*p != ',' && *p != '}')); p++) {
            if (wrapped && *p == '\\' && p[1])
                p++;
            buf_putc(&b, *p);
        }
        if (wrapped && *p == '"')
            p++;
        const char *q = b.data ? b.data : "";
        e->grantee = acl_name(a, &q, "=");
        q += *q == '=';
        const char *privs = q;
        q += strcspn(q, "/");
        e->privs = arena_strndup(a, privs, (size_t)(q - privs));
        q += *q == '/';
        e->grantor = acl_name(a, &q, "");
        buf_free(&b);
        vec_push(a, &items, e);
        if (*p == ',')
            p++;
    }
    *out = arena_alloc(a, sizeof **out * (size_t)(items.len + 1));
    for (int i = 0; i < items.len; i++)
        (*out)[i] = *(ImportAcl *)items.items[i];
    return items.len;
}

/* ORDER as aclitem letters: the privilege each stands for. */
static const struct {
    char letter;
    const char *word;
} privileges[] = {
    {'r', "select"}, {'a', "insert"},  {'w', "update"},  {'d', "delete"},
    {'D', "truncate"}, {'x', "references"}, {'t', "trigger"},
    {'X', "execute"}, {'U', "usage"},   {'C', "create"},  {'c', "connect"},
    {'T', "temporary"}, {'m', "maintain"},
};

char *import_privilege_words(Arena *a, const char *letters, bool grantable)
{
    Buf b = {0};
    for (size_t k = 0; k < sizeof privileges / sizeof privileges[0]; k++) {
        const char *at = strchr(letters, privileges[k].letter);
        if (!at || (at[1] == '*') != grantable)
            continue;
        buf_puts(&b, b.len ? ", " : "");
        buf_puts(&b, privileges[k].word);
    }
    char *s = arena_strndup(a, b.data ? b.data : "", b.len);
    buf_free(&b);
    return s;
}

static void put_role(Buf *b, const char *grantee)
{
    if (*grantee)
        quote_ident(b, grantee);
    else
        buf_puts(b, "public");
}

/* grant WORDS [on KIND] to R, R2 [with grant option]; for entries
 * [from, to). */
static void put_grant(Buf *b, Arena *a, const char *indent, const char *on,
                      const ImportAcl *e, int from, int to, bool grantable)
{
    char *words = import_privilege_words(a, e[from].privs, grantable);
    if (!*words)
        return;
    buf_printf(b, "%sgrant %s%s%s to ", indent, words, on ? " on " : "",
               on ? on : "");
    for (int i = from; i < to; i++) {
        buf_puts(b, i > from ? ", " : "");
        put_role(b, e[i].grantee);
    }
    buf_puts(b, grantable ? " with grant option;\n" : ";\n");
}

/* The privileges of x that y lacks, a grant option counting as one:
 * letters, each with its '*' when x has the option and y does not. */
static char *minus(Arena *a, const char *x, const char *y)
{
    Buf b = {0};
    for (const char *p = x; *p; p++) {
        if (*p == '*')
            continue;
        const char *in = strchr(y, *p);
        bool star = p[1] == '*';
        if (!in || (star && in[1] != '*')) {
            buf_putc(&b, *p);
            if (star)
                buf_putc(&b, '*');
        }
    }
    char *s = arena_strndup(a, b.data ? b.data : "", b.len);
    buf_free(&b);
    return s;
}

static void put_revoke(Buf *b, Arena *a, const char *indent, const char *on,
                       const char *grantee, const char *letters)
{
    /* only a grant option lost: the privilege itself stays */
    const char *plain = import_privilege_words(a, letters, false);
    buf_printf(b, "%srevoke %s%s%s%s from ", indent,
               *plain ? "" : "grant option for ", *plain ? plain
               : import_privilege_words(a, letters, true), on ? " on " : "",
               on ? on : "");
    put_role(b, grantee);
    buf_puts(b, ";\n");
}

/* The entries the default acl holds, in its order: each found at the
 * acl's head is taken (its privileges made what they are by a grant or
 * revoke of the difference: the entry keeps its place), each missing is
 * revoked; the owner's must be there whole.  Where the acl's own grants
 * start, or -1. */
static int skip_defaults(Buf *b, Arena *a, const char *indent, const char *on,
                         const ImportAcl *e, int n, const ImportAcl *d,
                         int nd, const char *owner, char **why)
{
    int i = 0;
    for (int k = 0; k < nd; k++) {
        bool here = i < n && strcmp(e[i].grantee, d[k].grantee) == 0;
        if (strcmp(d[k].grantee, owner) == 0) {
            if (!here || strcmp(e[i].privs, d[k].privs) != 0) {
                *why = arena_printf(a, "its owner %s lacks some of its own "
                                    "privileges, or they come in an "
                                    "unusual order", owner);
                return -1;
            }
            i++;
            continue;
        }
        if (!here) {
            put_revoke(b, a, indent, on, d[k].grantee, d[k].privs);
            continue;
        }
        char *lost = minus(a, d[k].privs, e[i].privs);
        char *gained = minus(a, e[i].privs, d[k].privs);
        if (*lost)
            put_revoke(b, a, indent, on, d[k].grantee, lost);
        ImportAcl g = e[i];
        g.privs = gained;
        if (*gained) {
            put_grant(b, a, indent, on, &g, 0, 1, false);
            put_grant(b, a, indent, on, &g, 0, 1, true);
        }
        i++;
    }
    return i;
}

/* The privileges of x and y together, in the order PostgreSQL prints
 * them, each with its '*' when either has the grant option. */
static char *privs_union(Arena *a, const char *x, const char *y)
{
    static const char order[] = "arwdDxtXUCTcsAm";
    Buf b = {0};
    for (const char *c = order; *c; c++) {
        const char *in_x = strchr(x, *c), *in_y = strchr(y, *c);
        if (!in_x && !in_y)
            continue;
        buf_putc(&b, *c);
        if ((in_x && in_x[1] == '*') || (in_y && in_y[1] == '*'))
            buf_putc(&b, '*');
    }
    char *s = arena_strndup(a, b.data ? b.data : "", b.len);
    buf_free(&b);
    return s;
}

/* A creation acl is the built-in default followed by the schema's
 * default privileges; PostgreSQL merges an entry of the second into the
 * first's entry for the same grantee and grantor (the owner granted its
 * own privileges again, say) rather than append it.  Returns the new
 * count. */
static int merge_entries(Arena *a, ImportAcl *d, int n)
{
    int kept = 0;
    for (int i = 0; i < n; i++) {
        int k = 0;
        while (k < kept && (strcmp(d[k].grantee, d[i].grantee) != 0 ||
                            strcmp(d[k].grantor, d[i].grantor) != 0))
            k++;
        if (k < kept)
            d[k].privs = privs_union(a, d[k].privs, d[i].privs);
        else
            d[kept++] = d[i];
    }
    return kept;
}

bool import_acl_items(Buf *b, Arena *a, const char *indent, const char *acl,
                      const char *default_acl, char **why)
{
    return import_acl_items_on(b, a, indent, acl, default_acl, NULL, why);
}

bool import_acl_items_on(Buf *b, Arena *a, const char *indent,
                         const char *acl, const char *default_acl,
                         const char *on, char **why)
{
    if (!acl || !*acl)
        return true;
    ImportAcl *e, *d;
    int n = import_acl_parse(a, acl, &e);
    int nd = merge_entries(a, d, import_acl_parse(a, default_acl, &d));
    /* the owner grants the default: the grantor of its entries */
    const char *owner = nd ? d[0].grantor : "";
    for (int i = 0; i < n && nd; i++)
        if (strcmp(e[i].grantor, owner) != 0) {
            *why = arena_printf(a, "a privilege was granted by %s, not by "
                                "the owner", e[i].grantor);
            return false;
        }
    int i = skip_defaults(b, a, indent, on, e, n, d, nd, owner, why);
    if (i < 0)
        return false;
    while (i < n) {
        int j = i + 1;
        while (j < n && strcmp(e[j].privs, e[i].privs) == 0)
            j++;
        put_grant(b, a, indent, on, e, i, j, false);
        put_grant(b, a, indent, on, e, i, j, true);
        i = j;
    }
    return true;
}
