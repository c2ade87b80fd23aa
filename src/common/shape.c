/*
 * shape.c — repairs of fixed shape, written from their arguments through
 * the one quoting function.  The compiler instantiates every shape an
 * object can need and parses it at build time; the runtime writes the same
 * text when the repair is needed.  So no repair text is carried per
 * object, and none reaches the server unchecked.
 */
#include "objects.h"

#include <string.h>

/* Arguments each hole takes: %Q is a schema and a name. */
static int hole_args(char hole)
{
    return hole == 'Q' ? 2 : 1;
}

int sctl_shape_arity(SctlShape sh)
{
    int n = 0;
    for (const char *p = sctl_shape_templates[sh]; *p; p++)
        if (p[0] == '%' && p[1])
            n += hole_args(*++p);
    return n;
}

/* SELECT, INSERT, "UPDATE, DELETE": upper-case words, spaces, commas. */
static bool privilege_words(const char *s)
{
    if (!s || !*s)
        return false;
    return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ ,") == strlen(s);
}

/* Every argument fits its hole: checked first, so that nothing half
 * written ever leaves. */
static bool fits(const char *t, const char *const *args)
{
    for (int i = 0; *t; t++) {
        if (t[0] != '%' || !t[1])
            continue;
        char hole = *++t;
        if ((hole == 'P' && !privilege_words(args[i])) ||
            (hole != 'Q' && hole != 'P' && !args[i]) ||
            (hole == 'Q' && !args[i + 1]))
            return false;
        i += hole_args(hole);
    }
    return true;
}

static void put_hole(SctlOut o, char hole, const char *const *a)
{
    switch (hole) {
    case 'Q':
        if (a[0]) {
            sctl_quote_ident(o, a[0]);
            o.put(o.to, ".", 1);
        }
        sctl_quote_ident(o, a[1]);
        break;
    case 'I': sctl_quote_ident(o, a[0]); break;
    case 'L': sctl_quote_literal(o, a[0]); break;
    case 'R':
        if (strcmp(a[0], "PUBLIC") == 0)
            o.put(o.to, "PUBLIC", 6);
        else
            sctl_quote_ident(o, a[0]);
        break;
    default: o.put(o.to, a[0], strlen(a[0])); break;   /* %s, %P */
    }
}

bool sctl_shape_write(SctlOut o, SctlShape sh, const char *const *args)
{
    const char *t = sctl_shape_templates[sh];
    if (!fits(t, args))
        return false;
    for (int i = 0; *t;) {
        size_t plain = strcspn(t, "%");
        o.put(o.to, t, plain);
        t += plain;
        if (!*t)
            break;
        put_hole(o, t[1], args + i);
        i += hole_args(t[1]);
        t += 2;
    }
    return true;
}

bool sctl_acl_shapes(SctlKind k, SctlShape out[3])
{
    static const SctlShape table[3] = {SCTL_SHAPE_GRANT_TABLE,
        SCTL_SHAPE_GRANT_TABLE_OPTION, SCTL_SHAPE_REVOKE_TABLE};
    static const SctlShape column[3] = {SCTL_SHAPE_GRANT_COLUMN,
        SCTL_SHAPE_GRANT_COLUMN_OPTION, SCTL_SHAPE_REVOKE_COLUMN};
    static const SctlShape schema[3] = {SCTL_SHAPE_GRANT_SCHEMA,
        SCTL_SHAPE_GRANT_SCHEMA_OPTION, SCTL_SHAPE_REVOKE_SCHEMA};
    static const SctlShape function[3] = {SCTL_SHAPE_GRANT_FUNCTION,
        SCTL_SHAPE_GRANT_FUNCTION_OPTION, SCTL_SHAPE_REVOKE_FUNCTION};
    static const SctlShape sequence[3] = {SCTL_SHAPE_GRANT_SEQUENCE,
        SCTL_SHAPE_GRANT_SEQUENCE_OPTION, SCTL_SHAPE_REVOKE_SEQUENCE};
    const SctlShape *s = k == SCTL_K_COLUMN ? column
                       : k == SCTL_K_SEQUENCE ? sequence
                       : k == SCTL_K_SCHEMA ? schema
                       : k == SCTL_K_FUNCTION ? function
                       : k == SCTL_K_TABLE || k == SCTL_K_VIEW ? table
                       : NULL;
    if (s)
        memcpy(out, s, sizeof table);
    return s != NULL;
}

void sctl_acl_args(const SctlObject *o, const char *priv, const char *grantee,
                   const char *args[6])
{
    int n = 0;
    args[n++] = priv;
    if (o->kind == SCTL_K_COLUMN) {
        args[n++] = o->name;
        args[n++] = o->schema;
        args[n++] = o->table;
    } else if (o->kind == SCTL_K_SCHEMA) {
        args[n++] = o->name;
    } else if (o->kind == SCTL_K_FUNCTION) {
        args[n++] = o->signature;
    } else {
        args[n++] = o->schema;
        args[n++] = o->name;
    }
    args[n++] = grantee;
    args[n] = NULL;
}

SctlShape sctl_concurrent_index(const char *create_index, const char **rest)
{
    static const char unique[] = "CREATE UNIQUE INDEX ";
    static const char plain[] = "CREATE INDEX ";
    bool u = strncmp(create_index, unique, sizeof unique - 1) == 0;
    *rest = create_index + (u ? sizeof unique : sizeof plain) - 1;
    return u ? SCTL_SHAPE_CREATE_UNIQUE_INDEX_CONCURRENTLY
             : SCTL_SHAPE_CREATE_INDEX_CONCURRENTLY;
}

const char *sctl_after_create(const char *create)
{
    static const char word[] = "CREATE ";
    return strncmp(create, word, sizeof word - 1) == 0
           ? create + sizeof word - 1 : create;
}

/* Text written into a fixed buffer; names are at most 63 bytes, so a
 * quoted qualified name fits, and a longer one simply does not match. */
typedef struct Fixed {
    char text[512];
    size_t len;
    bool over;
} Fixed;

static void put_fixed(void *to, const char *s, size_t n)
{
    Fixed *f = to;
    if (f->len + n >= sizeof f->text) {
        f->over = true;
        return;
    }
    memcpy(f->text + f->len, s, n);
    f->len += n;
    f->text[f->len] = '\0';
}

static bool starts(const char *s, const Fixed *f)
{
    return !f->over && strncmp(s, f->text, f->len) == 0;
}

const char *sctl_added_definition(const char *alter, const char *schema,
                                  const char *table)
{
    Fixed f = {.len = 0};
    SctlOut o = {put_fixed, &f};
    const char *args[] = {schema, table};
    put_fixed(&f, "ALTER TABLE ", 12);
    put_hole(o, 'Q', args);
    put_fixed(&f, " ADD ", 5);
    return alter && starts(alter, &f) ? alter + f.len : NULL;
}

/* "CONSTRAINT name " + what follows, when the definition starts so. */
static const char *constraint_body(const char *definition, const char *name)
{
    Fixed f = {.len = 0};
    put_fixed(&f, "CONSTRAINT ", 11);
    sctl_quote_ident((SctlOut){put_fixed, &f}, name);
    put_fixed(&f, " ", 1);
    return definition && name && starts(definition, &f)
           ? definition + f.len : NULL;
}

bool sctl_is_foreign_key(const char *definition, const char *name)
{
    const char *b = constraint_body(definition, name);
    return b && strncmp(b, "FOREIGN KEY", 11) == 0;
}

bool sctl_validatable(const char *definition, const char *name)
{
    const char *b = constraint_body(definition, name);
    return b && (strncmp(b, "FOREIGN KEY", 11) == 0 ||
                 strncmp(b, "CHECK ", 6) == 0);
}
