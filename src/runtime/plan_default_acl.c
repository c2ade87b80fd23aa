/*
 * plan_default_acl.c — default privileges repaired where they differ: a
 * schema's (ALTER DEFAULT PRIVILEGES IN SCHEMA) and a role's database-wide
 * ones (FOR ROLE).  Both are lists of "objtype:grantee:letters" entries as
 * the reader prints them (letters as in aclitem text, '*' after one with
 * grant option).  For each kind of object and grantee whose privileges
 * differ, the grantee's default privileges are revoked and the declared
 * ones granted again.
 *
 * Database-wide defaults of a kind without a pg_default_acl row are
 * PostgreSQL's built-in ones (EXECUTE on functions and USAGE on types to
 * PUBLIC); a row, once there, lists them all.  So a kind with no entry
 * reads as its built-in defaults, and `revoke execute on functions from
 * public` is repaired by that revoke.  The role's own entries (what it
 * grants itself) are not repaired.
 */
#include "plan.h"

#include <stdlib.h>
#include <string.h>

typedef struct Entry {
    char objtype;
    char *grantee;
    char *letters;
} Entry;

typedef struct Entries {
    Entry *items;
    int len;
} Entries;

static void push(Entries *e, char objtype, const char *grantee, size_t n,
                 const char *letters)
{
    e->items = sctl_xrealloc(e->items, sizeof *e->items * (size_t)(e->len + 1));
    e->items[e->len++] = (Entry){objtype, sctl_xstrndup(grantee, n),
                                 sctl_xstrdup(letters)};
}

static bool has_kind(const Entries *e, char objtype)
{
    for (int i = 0; i < e->len; i++)
        if (e->items[i].objtype == objtype)
            return true;
    return false;
}

/* The entries of list; database-wide ones with the built-in defaults of
 * the kinds that have no row. */
static Entries read_entries(const char *list, bool database_wide)
{
    Entries e = {0};
    for (const char *p = list; p && *p;) {
        size_t n = strcspn(p, ",");
        char *item = sctl_xstrndup(p, n);
        char *first = strchr(item, ':'), *last = strrchr(item, ':');
        if (first && last > first)
            push(&e, item[0], first + 1, (size_t)(last - first - 1), last + 1);
        free(item);
        p += n + (p[n] == ',');
    }
    if (database_wide && !has_kind(&e, 'f'))
        push(&e, 'f', "PUBLIC", 6, "X");
    if (database_wide && !has_kind(&e, 'T'))
        push(&e, 'T', "PUBLIC", 6, "U");
    return e;
}

static void free_entries(Entries *e)
{
    for (int i = 0; i < e->len; i++) {
        free(e->items[i].grantee);
        free(e->items[i].letters);
    }
    free(e->items);
}

static const char *letters_of(const Entries *e, char objtype,
                              const char *grantee)
{
    for (int i = 0; i < e->len; i++)
        if (e->items[i].objtype == objtype &&
            strcmp(e->items[i].grantee, grantee) == 0)
            return e->items[i].letters;
    return "";
}

static const char *kind_words(char objtype)
{
    switch (objtype) {
    case 'r': return "TABLES";
    case 'S': return "SEQUENCES";
    case 'f': return "FUNCTIONS";
    case 'T': return "TYPES";
    case 'n': return "SCHEMAS";
    }
    return NULL;
}

static const char *privilege(char letter)
{
    static const char *const names[][2] = {
        {"r", "SELECT"}, {"a", "INSERT"}, {"w", "UPDATE"}, {"d", "DELETE"},
        {"D", "TRUNCATE"}, {"x", "REFERENCES"}, {"t", "TRIGGER"},
        {"X", "EXECUTE"}, {"U", "USAGE"}, {"C", "CREATE"}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i][0][0] == letter)
            return names[i][1];
    return NULL;
}

/* "SELECT, INSERT" of the letters with (or without) grant option. */
static char *privileges(const char *letters, bool option)
{
    SctlBuf b = {0};
    for (const char *l = letters; *l; l++) {
        if (*l == '*')
            continue;
        const char *word = privilege(*l);
        if (!word || (l[1] == '*') != option)
            continue;
        sctl_buf_printf(&b, "%s%s", b.len ? ", " : "", word);
    }
    return b.len ? sctl_buf_take(&b) : NULL;
}

/* Revoke, then grant what is declared, for one kind and grantee. */
static void repair(State *st, int i, const char *owner, char objtype,
                   const char *grantee, const char *declared)
{
    const SctlObject *o = obj(st, i);
    bool role = o->kind == SCTL_K_ROLE;
    const char *kind = kind_words(objtype);
    if (!kind)
        return;
    SHAPE(st, i, role ? SCTL_SHAPE_REVOKE_DEFAULT
                      : SCTL_SHAPE_REVOKE_DEFAULT_IN_SCHEMA,
          owner, kind, grantee);
    for (int option = 0; option < 2; option++) {
        char *privs = privileges(declared, option);
        if (privs)
            SHAPE(st, i, role ? (option ? SCTL_SHAPE_GRANT_DEFAULT_OPTION
                                        : SCTL_SHAPE_GRANT_DEFAULT)
                              : (option ? SCTL_SHAPE_GRANT_DEFAULT_IN_SCHEMA_OPTION
                                        : SCTL_SHAPE_GRANT_DEFAULT_IN_SCHEMA),
                  owner, privs, kind, grantee);
        free(privs);
    }
}

/* Each kind and grantee of either side whose letters differ, once. */
static void repair_differences(State *st, int i, const char *owner,
                               const Entries *live, const Entries *decl)
{
    const Entries *sides[2] = {decl, live};
    for (int side = 0; side < 2; side++)
        for (int k = 0; k < sides[side]->len; k++) {
            const Entry *e = &sides[side]->items[k];
            bool seen = false;   /* a pair of both sides: the first did it */
            for (int j = 0; side == 1 && j < decl->len && !seen; j++)
                seen = decl->items[j].objtype == e->objtype &&
                       strcmp(decl->items[j].grantee, e->grantee) == 0;
            if (seen || strcmp(e->grantee, owner) == 0)
                continue;
            const char *want = letters_of(decl, e->objtype, e->grantee);
            if (strcmp(want, letters_of(live, e->objtype, e->grantee)) != 0)
                repair(st, i, owner, e->objtype, e->grantee, want);
        }
}

void plan_default_acl_of(State *st, int i)
{
    const SctlObject *o = obj(st, i);
    if ((o->kind != SCTL_K_ROLE && o->kind != SCTL_K_SCHEMA) ||
        st->defacl_done[i] || !o->grants_declared || st->missing[i] ||
        !decl_of(st, i) || !differs(st, i, "default_acl"))
        return;
    st->defacl_done[i] = true;
    bool role = o->kind == SCTL_K_ROLE;
    const char *owner = role ? decl_of(st, i)->name : o->name;
    Entries live = read_entries(sctl_field(live_of(st, i), "default_acl"),
                                role);
    Entries decl = read_entries(sctl_field(decl_of(st, i), "default_acl"),
                                role);
    repair_differences(st, i, owner, &live, &decl);
    free_entries(&live);
    free_entries(&decl);
}

void plan_default_acl(State *st)
{
    for (int i = 0; i < st->s->nobjects; i++)
        plan_default_acl_of(st, i);
}
