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
    case ITEM_PUB_TABLE: add(fs, &it->u.pub_table->where); break;
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
    case ITEM_BUCKET_SETTING: case ITEM_REPLICA: case ITEM_PUBLISH:
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

static bool word_byte(unsigned char c)
{
    return c == '_' || c >= 0x80 || (c >= '0' && c <= '9') ||
           ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* Bytes of the name (dotted: sp.sku), number or keyword at off, at
 * least 1. */
static size_t word_at(const Source *src, size_t off)
{
    size_t n = 0;
    const char *t = src->text + off;
    if (t[0] == '\'') {   /* a literal: to its closing quote */
        const char *q = memchr(t + 1, '\'', src->len - off - 1);
        return q && !memchr(t, '\n', (size_t)(q - t)) ? (size_t)(q - t) + 1
                                                      : 1;
    }
    while (off + n < src->len &&
           (word_byte((unsigned char)t[n]) ||
            (t[n] == '.' && n > 0 && off + n + 1 < src->len &&
             word_byte((unsigned char)t[n + 1]))))
        n++;
    return n ? n : 1;
}

/*
 * The name an error message is about, when it gives no position:
 * `column "x" ...`, `column t.x does not exist`, `operator does not exist:
 * uuid = text` (the operator), `function f(integer) does not exist`,
 * `type "t" ...`; NULL for others.
 */
const char *server_message_name(Arena *a, const char *msg)
{
    static const char *const leads[] = {"column ", "type ", "relation ",
                                        "function ", NULL};
    const char *op = "operator does not exist: ";
    if (strncmp(msg, op, strlen(op)) == 0) {
        const char *sp = strchr(msg + strlen(op), ' ');
        return sp ? arena_strndup(a, sp + 1, strcspn(sp + 1, " ")) : NULL;
    }
    for (int i = 0; leads[i]; i++) {
        size_t n = strlen(leads[i]);
        if (strncmp(msg, leads[i], n) != 0)
            continue;
        const char *name = msg + n;
        if (*name == '"')
            return arena_strndup(a, name + 1, strcspn(name + 1, "\""));
        return arena_strndup(a, name, strcspn(name, " ("));
    }
    return NULL;
}

static bool name_byte(char c)
{
    return word_byte((unsigned char)c) || c == '.';
}

/* The first place name is written as a whole word in text[from, len). */
long server_find_word(const char *text, size_t len, size_t from,
                      const char *name)
{
    size_t n = strlen(name);
    bool word = n && name_byte(name[0]);
    for (size_t i = from; n && i + n <= len; i++)
        if (memcmp(text + i, name, n) == 0 &&
            (!word || ((i == 0 || !name_byte(text[i - 1])) &&
                       (i + n == len || !name_byte(text[i + n])))))
            return (long)i;
    return -1;
}

/* A column named by the message, in the table the statement makes: its
 * default when the message is about one, else its name. */
static bool named_column(const Unit *u, const char *name, const char *msg,
                         ServerSpot *out)
{
    if (u->kind != UNIT_TABLE || !u->decl)
        return false;
    const Column *c = sema_find_column((Decl *)u->decl, name);
    if (!c)
        return false;
    const Constraint *k = ast_column_constraint(c, CON_DEFAULT);
    if (k && strstr(msg, "default expression")) {
        *out = (ServerSpot){k->expr.src, k->expr.off, 1};
        return true;
    }
    *out = token_spot(c->name.tok);
    return true;
}

/* The name the message is about, in the statement's fragments. */
static bool named_in_fragments(Arena *a, const Frags *fs, const Unit *u,
                               const char *msg, ServerSpot *out)
{
    const char *name = msg ? server_message_name(a, msg) : NULL;
    if (!name)
        return false;
    if (named_column(u, name, msg, out))
        return true;
    for (int i = 0; i < fs->v.len; i++) {
        const Frag *f = fs->v.items[i];
        long at = server_find_word(frag_text(f), f->len, 0, name);
        if (at >= 0) {
            *out = (ServerSpot){f->src, f->off + (size_t)at, 1};
            return true;
        }
    }
    return false;
}

ServerSpot server_map_statement(Arena *a, const EmitStmt *st, long off,
                                const char *msg)
{
    const Unit *u = st->unit;
    Frags fs = {a, {0}};
    unit_frags(&fs, u);
    ServerSpot s;
    if ((off >= 0 && in_fragment(&fs, st->sql, off, &s)) ||
        (off < 0 && named_in_fragments(a, &fs, u, msg, &s))) {
        if (s.len == 1)
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

/*
 * PL/pgSQL keeps a query's text with its INTO clause blanked out, so it
 * may not be in the body as a whole: then the token at pos is looked for,
 * from byte from on; from itself when that is not there either.
 */
static size_t find_rest(const char *body, size_t len, size_t from,
                        const char *query, long pos)
{
    long in = server_char_offset(query, pos);
    const char *rest = query + (in > 0 ? in : 0);
    size_t n = strcspn(rest, " \t\r\n");
    for (size_t i = from; n && i + n <= len; i++)
        if (memcmp(body + i, rest, n) == 0)
            return i;
    return from;
}

ServerSpot server_map_body(Arena *a, const Decl *fn, int line,
                           const char *query, long pos, const char *msg)
{
    const char *name;
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
    } else if (query && pos > 0) {
        off = find_rest(text, body.len, off, query, pos);
    } else if (msg && (name = server_message_name(a, msg)) &&
               (at = server_find_word(text, body.len, off, name)) >= 0) {
        off = (size_t)at;
    }
    ServerSpot s = {body.src, body.off + off, 1};
    s.len = word_at(s.src, s.off);
    return s;
}
