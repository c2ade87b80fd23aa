/*
 * server_map.c — where a server's error lands in the .schema files.
 *
 * A canonical statement is made of the fragments the user wrote (types,
 * defaults, checks, expressions, queries, bodies) copied byte for byte and
 * glued together by the emitter.  A position PostgreSQL names in the
 * statement is mapped back through the fragment that holds it; anything
 * else lands on the item or declaration the statement comes from.  This
 * file needs no server: server_check.c runs the statements.
 */
#include "schemac.h"

#include <string.h>

/* The fragments a statement may hold, in the order they were written. */
typedef struct Frags {
    Arena *a;
    Vec v;                     /* Frag* */
} Frags;

static void add(Frags *fs, const Frag *f)
{
    if (f->len == 0 || !f->src)
        return;
    Frag *c = arena_alloc(fs->a, sizeof *c);
    *c = *f;
    vec_push(fs->a, &fs->v, c);
}

static void column_frags(Frags *fs, const Column *c)
{
    add(fs, &c->type);
    for (int i = 0; i < c->cons.len; i++)
        add(fs, &((const Constraint *)c->cons.items[i])->expr);
}

static void item_frags(Frags *fs, const Item *it)
{
    switch (it->kind) {
    case ITEM_COLUMN: column_frags(fs, it->u.column); break;
    case ITEM_CONSTRAINT: add(fs, &it->u.constraint->expr); break;
    case ITEM_INDEX:
        add(fs, &it->u.index->elems);
        add(fs, &it->u.index->include);
        add(fs, &it->u.index->where);
        break;
    case ITEM_POLICY:
        add(fs, &it->u.policy->using_);
        add(fs, &it->u.policy->check);
        break;
    case ITEM_TRIGGER:
        add(fs, &it->u.trigger->events);
        add(fs, &it->u.trigger->when);
        add(fs, &it->u.trigger->args);
        break;
    case ITEM_PARTITION_BY: add(fs, &it->u.partition_by); break;
    case ITEM_PARTITION: add(fs, &it->u.partition->bound); break;
    case ITEM_OPTIONS: add(fs, &it->u.options); break;
    case ITEM_QUERY: add(fs, &it->u.query); break;
    case ITEM_SET: add(fs, &it->u.set->value); break;
    case ITEM_BODY: {
        Frag body = sema_string_frag_in(fs->a, it->u.body);
        add(fs, &body);
        break;
    }
    case ITEM_RLS: case ITEM_GRANT: case ITEM_COMMENT: case ITEM_USE:
    case ITEM_LANGUAGE: case ITEM_ATTRIBUTE: case ITEM_DEFAULT_PRIVS:
    case ITEM_IN_ROLE: case ITEM_LOGIN: case ITEM_ALLOW: case ITEM_AUDIT:
    case ITEM_TRANSITIONS: case ITEM_RETAIN: case ITEM_PARTITIONS:
    case ITEM_BUCKET_SETTING:
        break;  /* nothing written as SQL */
    }
}

/* The statement's own item when it has one, else its whole declaration. */
static void unit_frags(Frags *fs, const Unit *u)
{
    if (u->item) {
        item_frags(fs, u->item);
        return;
    }
    if (u->con) {
        add(fs, &u->con->expr);
        return;
    }
    if (!u->decl || u->kind == UNIT_COLUMN_COMMENT)
        return;
    add(fs, &u->decl->header);
    add(fs, &u->decl->returns);
    for (int i = 0; i < u->decl->items.len; i++)
        item_frags(fs, u->decl->items.items[i]);
}

static const char *frag_text(const Frag *f)
{
    return f->src->text + f->off;
}

/* Start of the k-th (0-based) occurrence of f in sql, or -1. */
static long occurrence(const char *sql, const Frag *f, int k)
{
    const char *text = frag_text(f);
    for (const char *p = sql; *p; p++)
        if (strncmp(p, text, f->len) == 0 && k-- == 0)
            return (long)(p - sql);
    return -1;
}

/* How many fragments before index i have the same text as it: the same
 * text written twice (`now()` in two defaults) is emitted in that order. */
static int same_before(const Frags *fs, int i)
{
    const Frag *f = fs->v.items[i];
    int n = 0;
    for (int k = 0; k < i; k++) {
        const Frag *g = fs->v.items[k];
        n += g->len == f->len && memcmp(frag_text(g), frag_text(f),
                                        f->len) == 0;
    }
    return n;
}

/* The token's place, its whole length when it is a name. */
static ServerSpot token_spot(const Token *t)
{
    ServerSpot s = {t->src, t->off, t->len};
    return s;
}

/* The smallest written fragment holding byte off of sql, or false. */
static bool in_fragment(const Frags *fs, const char *sql, long off,
                        ServerSpot *out)
{
    size_t best = (size_t)-1;
    for (int i = 0; i < fs->v.len; i++) {
        const Frag *f = fs->v.items[i];
        long at = occurrence(sql, f, same_before(fs, i));
        if (at < 0 || off < at || off > at + (long)f->len || f->len >= best)
            continue;
        best = f->len;
        out->src = f->src;
        out->off = f->off + (size_t)(off - at);
        out->len = 1;
    }
    return best != (size_t)-1;
}

/* Bytes of the word (name, number, keyword) at off, at least 1. */
static size_t word_at(const Source *src, size_t off)
{
    size_t n = 0;
    while (off + n < src->len) {
        unsigned char c = (unsigned char)src->text[off + n];
        if (!(c == '_' || c >= 0x80 || (c >= '0' && c <= '9') ||
              ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')))
            break;
        n++;
    }
    return n ? n : 1;
}

ServerSpot server_map_statement(Arena *a, const EmitStmt *st, long off)
{
    const Unit *u = st->unit;
    Frags fs = {a, {0}};
    unit_frags(&fs, u);
    ServerSpot s;
    if (off >= 0 && in_fragment(&fs, st->sql, off, &s)) {
        s.len = word_at(s.src, s.off);
        return s;
    }
    return token_spot(u->at);
}

long server_char_offset(const char *text, long pos)
{
    long off = 0;
    for (long n = 1; n < pos && text[off]; off++)
        n += ((unsigned char)text[off + 1] & 0xC0) != 0x80;
    return pos > 0 ? off : -1;
}

/* Byte offset of the start of 1-based line n of text[0, len). */
static size_t line_offset(const char *text, size_t len, int n)
{
    size_t off = 0;
    for (int line = 1; line < n; line++) {
        const char *nl = memchr(text + off, '\n', len - off);
        if (!nl)
            break;
        off = (size_t)(nl - text) + 1;
    }
    return off;
}

/* Where query (PL/pgSQL's text of one expression) starts in body from
 * byte from on; PERFORM's query is written with SELECT in its place. */
static long find_query(const char *body, size_t len, size_t from,
                       const char *query, long *shift)
{
    *shift = 0;
    size_t q = strlen(query);
    for (int pass = 0; q && pass < 2; pass++) {
        for (size_t i = from; i + q <= len; i++)
            if (memcmp(body + i, query, q) == 0)
                return (long)i;
        if (strncmp(query, "SELECT ", 7) != 0)
            break;
        query += 7;   /* `perform x` became `SELECT x` */
        q -= 7;
        *shift = 7;
    }
    return -1;
}

ServerSpot server_map_body(Arena *a, const Decl *fn, int line,
                           const char *query, long pos)
{
    Frag body = sema_string_frag_in(a, fn->body);
    const char *text = frag_text(&body);
    size_t off = line > 0 ? line_offset(text, body.len, line) : 0;
    while (off < body.len && (text[off] == ' ' || text[off] == '\t'))
        off++;
    long shift, at = query ? find_query(text, body.len, off, query, &shift)
                           : -1;
    if (at >= 0 && pos > 0) {
        long in = server_char_offset(query, pos) - shift;
        off = (size_t)(at + (in > 0 ? in : 0));
    } else if (at >= 0) {
        off = (size_t)at;
    }
    ServerSpot s = {body.src, body.off + off, 1};
    s.len = word_at(s.src, s.off);
    return s;
}
