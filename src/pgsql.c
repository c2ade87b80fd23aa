/*
 * pgsql.c — PostgreSQL's own parser (libpg_query) applied to SQL fragments.
 *
 * libpg_query reports an error position as a 1-based count of characters of
 * the UTF-8 statement, while node locations in its JSON are byte offsets.
 * Everything here hands out byte offsets.  Every result libpg_query returns
 * is freed before returning; what callers keep lives in their arena.
 */
#include "schemac.h"

#include <ctype.h>
#include <pg_query.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * The walk takes one step per JSON level; json.c refuses trees deeper than
 * 4096, and a PL/pgSQL query re-parsed from text adds only its own tree.
 */
#define WALK_MAX_DEPTH 4400

/* ------------------------------------------------------------ positions */

/* Bytes in the UTF-8 character led by c, counted as pg_utf_mblen does. */
static size_t utf8_len(unsigned char c)
{
    if (c < 0x80)
        return 1;
    if ((c & 0xE0) == 0xC0)
        return 2;
    if ((c & 0xF0) == 0xE0)
        return 3;
    if ((c & 0xF8) == 0xF0)
        return 4;
    return 1;
}

/* Byte offset of 1-based character position pos in s, at most len. */
static size_t char_to_byte(const char *s, size_t len, int pos)
{
    size_t off = 0;
    for (int n = 1; n < pos && off < len; n++)
        off += utf8_len((unsigned char)s[off]);
    return off < len ? off : len;
}

/* Maps cursorpos in stmt to [0, flen] of the fragment at foff; -1 unknown. */
static long frag_offset(const char *stmt, int cursorpos, size_t foff,
                        size_t flen)
{
    if (cursorpos <= 0)
        return -1;
    size_t off = char_to_byte(stmt, strlen(stmt), cursorpos);
    if (off < foff)
        return 0;
    return off - foff > flen ? (long)flen : (long)(off - foff);
}

/* --------------------------------------------------------------- parsing */

static PgParse failure(Arena *a, const char *message, long off)
{
    PgParse r = { NULL, arena_strdup(a, message), off };
    return r;
}

static PgParse too_deep(Arena *a, long off)
{
    return failure(a, arena_printf(a, "SQL nested more than %d levels deep",
                                   SQL_MAX_DEPTH), off);
}

/* Reads libpg_query's JSON into the arena (the caller frees the text). */
static PgParse from_json(Arena *a, const char *text)
{
    const char *err;
    Json *tree = json_parse(a, text, strlen(text), &err);
    if (!tree)
        return failure(a, arena_printf(a, "unreadable parse tree: %s", err),
                       -1);
    PgParse r = { tree, NULL, -1 };
    return r;
}

/*
 * Parses prefix + frag + suffix as one statement.  The tree and message are
 * in the arena; error_off is a byte offset within frag (0 when PostgreSQL
 * points into prefix, frag_len when into suffix), or -1 when unknown.
 */
PgParse pgsql_parse(Arena *a, const char *prefix, const char *frag,
                    size_t frag_len, const char *suffix)
{
    const char *nul = memchr(frag, '\0', frag_len);
    if (nul)
        return failure(a, "SQL text contains a NUL byte", nul - frag);
    long deep = sql_depth_exceeded(frag, frag_len);
    if (deep >= 0)
        return too_deep(a, deep);
    prefix = prefix ? prefix : "";
    suffix = suffix ? suffix : "";
    size_t plen = strlen(prefix), slen = strlen(suffix);
    char *stmt = arena_alloc(a, plen + frag_len + slen + 1);
    memcpy(stmt, prefix, plen);
    memcpy(stmt + plen, frag, frag_len);
    memcpy(stmt + plen + frag_len, suffix, slen);
    PgQueryParseResult res = pg_query_parse(stmt);
    PgParse r;
    if (res.error)
        r = failure(a, res.error->message,
                    frag_offset(stmt, res.error->cursorpos, plen, frag_len));
    else
        r = from_json(a, res.parse_tree);
    pg_query_free_parse_result(res);
    return r;
}

/* ------------------------------------------------------------- PL/pgSQL */

/* True for bytes that can continue an identifier or a number. */
static bool word_byte(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '$' ||
           (unsigned char)c >= 0x80;
}

/* Offset of tok in line as a whole token (not inside a longer word). */
static long find_token(const char *line, size_t len, const char *tok)
{
    size_t tl = strlen(tok);
    for (size_t i = 0; tl && i + tl <= len; i++) {
        if (memcmp(line + i, tok, tl) != 0)
            continue;
        bool left = i == 0 || !word_byte(line[i - 1]) || !word_byte(tok[0]);
        bool right = i + tl == len || !word_byte(line[i + tl]) ||
                     !word_byte(tok[tl - 1]);
        if (left && right)
            return (long)i;
    }
    return -1;
}

/* The TOKEN of `... at or near "TOKEN"`, NULL if the message has none. */
static char *near_token(Arena *a, const char *message)
{
    const char *s = strstr(message, "at or near \"");
    if (!s)
        return NULL;
    s += strlen("at or near \"");
    const char *e = strrchr(s, '"');
    return e ? arena_strndup(a, s, (size_t)(e - s)) : NULL;
}

/* Byte offset of the start of 1-based line n (the last line if fewer). */
static size_t line_start(const char *body, size_t len, long n)
{
    size_t off = 0;
    for (long line = 1; line < n; line++) {
        const char *nl = memchr(body + off, '\n', len - off);
        if (!nl)
            break;
        off = (size_t)(nl - body) + 1;
    }
    return off;
}

/* The offset of the `;` that ends the statement at from (len if none):
 * quoted text and `--` comments skipped. */
static size_t statement_end(const char *body, size_t len, size_t from)
{
    for (size_t i = from; i < len; i++) {
        char c = body[i];
        if (c == ';')
            return i;
        if (c == '\'' || c == '"') {
            while (++i < len && body[i] != c)
                ;
        } else if (c == '-' && i + 1 < len && body[i + 1] == '-') {
            while (i < len && body[i] != '\n')
                i++;
        }
    }
    return len;
}

/*
 * Where PostgreSQL's parser finds the syntax error of an SQL expression
 * that PL/pgSQL read from from up to its `;`: a missing `;` makes the
 * expression run on into the next statement, past the line PL/pgSQL
 * names.  The expression starts after `:=` (an assignment, a default),
 * else after the statement's first word (PERFORM, RETURN, ...); it is
 * parsed as PL/pgSQL has it parsed, `SELECT expression`.  The answer
 * counts only when that parse fails with the same message at the named
 * token; -1 otherwise.
 */
static long expression_offset(Arena *a, const char *body, size_t len,
                              size_t from, const char *message,
                              const char *tok)
{
    size_t end = statement_end(body, len, from);
    size_t k = from;
    while (k + 1 < end && !(body[k] == ':' && body[k + 1] == '='))
        k++;
    if (k + 1 < end) {
        k += 2;
    } else {
        k = from;
        while (k < end && !word_byte(body[k]))
            k++;
        while (k < end && word_byte(body[k]))
            k++;
    }
    if (k >= end)
        return -1;
    char *sql = arena_printf(a, "SELECT %.*s", (int)(end - k), body + k);
    size_t prefix = strlen("SELECT ");
    PgQueryParseResult res = pg_query_parse(sql);
    long at = -1;
    if (res.error && res.error->cursorpos > 0 &&
        strcmp(res.error->message, message) == 0) {
        size_t off = char_to_byte(sql, strlen(sql), res.error->cursorpos);
        size_t tl = strlen(tok);
        if (off >= prefix && off + tl <= strlen(sql) &&
            memcmp(sql + off, tok, tl) == 0)
            at = (long)(k + off - prefix);
    }
    pg_query_free_parse_result(res);
    return at;
}

/*
 * PL/pgSQL names no position, only "near line N" in its context: the line
 * of the last statement it had placed, counted from 1 at the body's first
 * byte.  The bad token is there or later: where PostgreSQL's parser puts
 * it in the expression that statement reads, else the first place it
 * occurs from that line on.
 */
static long plpgsql_offset(Arena *a, const PgQueryError *e, const char *body,
                           size_t len)
{
    const char *near = e->context ? strstr(e->context, "near line ") : NULL;
    if (!near)
        return -1;
    long n = strtol(near + strlen("near line "), NULL, 10);
    size_t start = line_start(body, len, n);
    char *tok = near_token(a, e->message);
    long at = tok ? expression_offset(a, body, len, start, e->message, tok)
                  : -1;
    if (at >= 0)
        return at;
    /* an expression that ends too soon ends at its `;` */
    if (!tok && strstr(e->message, "at end of input"))
        tok = ";";
    at = tok ? find_token(body + start, len - start, tok) : -1;
    return (long)start + (at >= 0 ? at : 0);
}

/* Maps a whole-statement cursorpos into the body, -1 when outside it. */
static long body_offset(const char *sql, int cursorpos, size_t body_off,
                        size_t body_len)
{
    if (cursorpos <= 0)
        return -1;
    size_t off = char_to_byte(sql, strlen(sql), cursorpos);
    if (off < body_off || off > body_off + body_len)
        return -1;
    return (long)(off - body_off);
}

/*
 * libpg_query's PL/pgSQL parser knows no row or record fields, so an
 * assignment to one (`rec.col := v;`, which PostgreSQL accepts) fails with
 * "rec.col" is not a known variable.  The field is blanked out of the
 * assignment's target in sql (to `rec := v;`, every byte keeping its
 * place), so the rest of the body can still be parsed and walked; the
 * server check sees the real body.  False when no such target is found.
 */
static bool blank_field_target(char *sql, size_t body_off, size_t body_len,
                               const char *message)
{
    const char *q = strchr(message, '"');
    const char *dot = q ? strchr(q + 1, '.') : NULL;
    const char *end = dot ? strchr(dot, '"') : NULL;
    if (!q || !dot || !end ||
        strcmp(end, "\" is not a known variable") != 0)
        return false;
    size_t vlen = (size_t)(dot - q - 1), flen = (size_t)(end - dot - 1);
    char *body = sql + body_off;
    for (size_t i = 0; i + vlen < body_len; i++) {
        if (strncasecmp(body + i, q + 1, vlen) != 0 ||
            (i && (isalnum((unsigned char)body[i - 1]) || body[i - 1] == '_')))
            continue;
        size_t j = i + vlen;
        while (j < body_len && isspace((unsigned char)body[j]))
            j++;
        if (j >= body_len || body[j] != '.')
            continue;
        size_t from = j++;
        while (j < body_len && isspace((unsigned char)body[j]))
            j++;
        bool quoted = j < body_len && body[j] == '"';
        if (j + quoted + flen > body_len ||
            strncasecmp(body + j + quoted, dot + 1, flen) != 0)
            continue;
        j += quoted + flen;
        if (quoted && (j >= body_len || body[j++] != '"'))
            continue;
        size_t k = j;
        while (k < body_len && isspace((unsigned char)body[k]))
            k++;
        if (k >= body_len || (body[k] != '=' &&
                              !(body[k] == ':' && body[k + 1] == '=')))
            continue;
        memset(body + from, ' ', j - from);
        return true;
    }
    return false;
}

/*
 * Nor does it know a function's OUT or TABLE columns, so `return next;`
 * (right in such a function) fails with "missing expression".  Each is
 * given one, `return next 0;`, the words moved left into the blanks
 * before them (on their line) so that every other byte keeps its place.
 * False when none could be.
 */
static bool fill_return_next(char *sql, size_t body_off, size_t body_len,
                             const char *message)
{
    if (strncmp(message, "missing expression", 18) != 0)
        return false;
    char *body = sql + body_off;
    bool any = false;
    for (size_t i = 2; i + 11 <= body_len; i++) {
        if (strncasecmp(body + i, "return", 6) != 0)
            continue;
        size_t j = i + 6;
        while (j < body_len && isspace((unsigned char)body[j]))
            j++;
        if (j == i + 6 || j + 4 > body_len ||
            strncasecmp(body + j, "next", 4) != 0)
            continue;
        size_t k = j + 4;
        while (k < body_len && (body[k] == ' ' || body[k] == '\t'))
            k++;
        if (k >= body_len || body[k] != ';')
            continue;
        size_t need = k == j + 4 ? 2 : 1;   /* " 0" or "0" */
        bool room = true;
        for (size_t b = 1; b <= need; b++)
            room = room && (body[i - b] == ' ' || body[i - b] == '\t');
        if (!room)
            continue;
        memmove(body + i - need, body + i, j + 4 - i);
        memset(body + j + 4 - need, ' ', k - (j + 4 - need));
        body[k - 1] = '0';
        any = true;
    }
    return any;
}

/* V of `"V[.F]" is not a known variable`, up to the dot when dotted;
 * "" for another message. */
static const char *unknown_variable(Arena *a, const char *message,
                                    bool dotted)
{
    const char *end = strstr(message, "\" is not a known variable");
    if (message[0] != '"' || !end)
        return "";
    const char *dot = memchr(message, '.', (size_t)(end - message));
    if (dotted != (dot != NULL))
        return "";
    return arena_strndup(a, message + 1,
                         (size_t)((dot ? dot : end) - message - 1));
}

/* libpg_query's PL/pgSQL error, placed in the body of text. */
static PgParse plpgsql_failure(Arena *a, const PgQueryPlpgsqlParseResult *res,
                               const char *text, size_t body_off,
                               size_t body_len)
{
    if (res->error->cursorpos > 0)
        return failure(a, res->error->message,
                       body_offset(text, res->error->cursorpos, body_off,
                                   body_len));
    return failure(a, res->error->message,
                   plpgsql_offset(a, res->error, text + body_off, body_len));
}

/*
 * Parses a CREATE FUNCTION statement with PostgreSQL's parser, then its
 * body with PL/pgSQL's.  On success tree is an array of PLpgSQL_function
 * objects; error_off is a byte offset in the body, or -1.
 */
PgParse pgsql_parse_plpgsql(Arena *a, const char *sql, size_t body_off,
                            size_t body_len)
{
    /* the body, then the rest (where the dollar quote hides the body) */
    long deep = sql_depth_exceeded(sql + body_off, body_len);
    if (deep >= 0 || sql_depth_exceeded(sql, strlen(sql)) >= 0)
        return too_deep(a, deep);
    PgQueryParseResult head = pg_query_parse(sql);
    bool head_ok = !head.error;
    PgParse r = { NULL, NULL, -1 };
    if (!head_ok)
        r = failure(a, head.error->message,
                    body_offset(sql, head.error->cursorpos, body_off,
                                body_len));
    pg_query_free_parse_result(head);
    if (!head_ok)
        return r;
    PgQueryPlpgsqlParseResult res = pg_query_parse_plpgsql(sql);
    /* what libpg_query cannot parse but PostgreSQL can, rewritten in a
     * copy one error at a time (at most one per byte of the body) */
    const char *text = sql;
    char *copy = NULL, *field = NULL;  /* the last field target blanked */
    PgParse before = r;                /* and the error it gave */
    for (size_t tries = 0; res.error && tries < body_len; tries++) {
        if (!copy)
            text = copy = arena_strdup(a, sql);
        PgParse now = plpgsql_failure(a, &res, text, body_off, body_len);
        if (blank_field_target(copy, body_off, body_len,
                               res.error->message)) {
            field = arena_strdup(a, res.error->message);
            before = now;
        } else if (!fill_return_next(copy, body_off, body_len,
                                     res.error->message))
            break;
        pg_query_free_plpgsql_parse_result(res);
        res = pg_query_parse_plpgsql(copy);
    }
    if (!res.error)
        r = from_json(a, res.plpgsql_funcs);
    else
        r = plpgsql_failure(a, &res, text, body_off, body_len);
    /* a field of no variable: the error about the field, at its place */
    if (res.error && field &&
        strcmp(unknown_variable(a, field, true),
               unknown_variable(a, res.error->message, false)) == 0)
        r = before;
    pg_query_free_plpgsql_parse_result(res);
    return r;
}

/* ------------------------------------------------------------ references */

/* The WITH queries in scope at some point of the walk, innermost first. */
typedef struct Scope {
    const Json *ctes;        /* a WithClause's "ctes" array */
    int visible;             /* how many of them are in scope here */
    const struct Scope *up;
} Scope;

typedef struct Walker {
    Arena *a;
    Vec *out;
    bool reparsed;           /* text re-parsed: its locations mean nothing */
    /* A PL/pgSQL body, when the tree is one: re-parsed text found in it
     * gets locations in the body (shift: the text's place, less what was
     * put before it to parse it). */
    const char *body;
    size_t body_len;
    long lineno;             /* of the statement being walked, 0 if none */
    long shift;              /* -1: the text was not found */
} Walker;

static void walk_value(Walker *w, const Json *v, const char *field,
                       const Scope *sc, int depth, int level);
static void walk_text(Walker *w, const char *prefix, const char *text,
                      int depth, int level);

static PgRef *add_ref(Walker *w, RefKind kind, const char *schema,
                      const char *name, const Json *node, int depth)
{
    if (!name)
        return NULL;
    PgRef *r = arena_alloc(w->a, sizeof *r);
    r->kind = kind;
    r->schema = schema;
    r->name = name;
    long loc = json_int(json_get(node, "location"), -1);
    r->location = !w->reparsed ? loc
                : w->shift >= 0 && loc >= 0 ? loc + w->shift : -1;
    r->depth = depth;
    vec_push(w->a, w->out, r);
    return r;
}

const char *pgsql_list_string(const Json *list, int i)
{
    if (i < 0)
        i += json_len(list);
    return json_str(json_get(json_get(json_at(list, i), "String"), "sval"));
}

/*
 * A dotted name list: the last element is the name, the one before it the
 * schema, after dropping `drop` trailing elements (the column of a %TYPE).
 */
static PgRef *add_names(Walker *w, RefKind kind, const Json *names,
                        int drop, const Json *node, int depth)
{
    int n = json_len(names) - drop;
    if (n < 1)
        return NULL;
    return add_ref(w, kind, n >= 2 ? pgsql_list_string(names, n - 2) : NULL,
                   pgsql_list_string(names, n - 1), node, depth);
}

static bool cte_visible(const Scope *sc, const char *name)
{
    for (; sc; sc = sc->up)
        for (int i = 0; i < sc->visible; i++) {
            const Json *cte = json_at(sc->ctes, i);
            const char *cname = json_str(
                json_get(json_get(cte, "CommonTableExpr"), "ctename"));
            if (cname && strcmp(cname, name) == 0)
                return true;
        }
    return false;
}

/*
 * Each WITH query sees the ones before it, or all of them when the clause
 * is recursive; a query's own scope chain continues with outer.
 */
static void walk_with(Walker *w, const Json *with, const Scope *outer,
                      int depth, int level)
{
    const Json *ctes = json_get(with, "ctes");
    const Json *rec = json_get(with, "recursive");
    bool recursive = rec && rec->kind == JSON_BOOL && rec->u.boolean;
    for (int i = 0; i < json_len(ctes); i++) {
        Scope sc = { ctes, recursive ? json_len(ctes) : i, outer };
        walk_value(w, json_at(ctes, i), NULL, &sc, depth, level + 1);
    }
}

/*
 * Walks an object's members.  A member named inner is one SELECT level
 * deeper.  A withClause scopes the rest of the statement, but no WITH query
 * is in scope for a "relation" member: the target of INSERT, UPDATE, DELETE
 * or MERGE, or the subject of DDL, is always a real relation.
 */
static void walk_members(Walker *w, const Json *obj, const char *inner,
                         const Scope *sc, int depth, int level)
{
    const Json *with = json_get(obj, "withClause");
    const Json *ctes = json_get(with, "ctes");
    long saved_line = w->lineno;
    if (json_get(obj, "lineno"))
        w->lineno = json_int(json_get(obj, "lineno"), w->lineno);
    Scope own = { ctes, json_len(ctes), sc };
    const Scope *in = ctes ? &own : sc;
    for (int i = 0; i < json_len(obj); i++) {
        const char *key = obj->u.list.keys[i];
        const Json *v = obj->u.list.items[i];
        int d = inner && strcmp(key, inner) == 0 ? depth + 1 : depth;
        if (ctes && v == with)
            walk_with(w, with, sc, depth, level);
        else if (strcmp(key, "relation") == 0)
            walk_value(w, v, key, NULL, d, level + 1);
        else
            walk_value(w, v, key, in, d, level + 1);
    }
    w->lineno = saved_line;
}

static void walk_range_var(Walker *w, const Json *n, const Scope *sc,
                           int depth)
{
    const char *schema = json_str(json_get(n, "schemaname"));
    const char *name = json_str(json_get(n, "relname"));
    if (name && !schema && cte_visible(sc, name))
        return;
    add_ref(w, REF_RELATION, schema, name, n, depth);
}

/* t.col%TYPE names a column of relation t, not a type. */
static void walk_type_name(Walker *w, const Json *n, const Scope *sc,
                           int depth, int level)
{
    const Json *pct = json_get(n, "pct_type");
    if (pct && pct->kind == JSON_BOOL && pct->u.boolean)
        add_names(w, REF_RELATION, json_get(n, "names"), 1, n, depth);
    else
        add_names(w, REF_TYPE, json_get(n, "names"), 0, n, depth);
    walk_members(w, n, NULL, sc, depth, level);
}

static void walk_func_call(Walker *w, const Json *n, const Scope *sc,
                           int depth, int level)
{
    PgRef *r = add_names(w, REF_FUNCTION, json_get(n, "funcname"), 0, n,
                         depth);
    if (r)
        r->nargs = json_len(json_get(n, "args"));
    walk_members(w, n, NULL, sc, depth, level);
}

/* Only a bare column name: a.b, a.* and * say which relation they mean. */
static void walk_column_ref(Walker *w, const Json *n, int depth)
{
    const Json *fields = json_get(n, "fields");
    if (json_len(fields) == 1)
        add_ref(w, REF_COLUMN, NULL, pgsql_list_string(fields, 0), n, depth);
}

/* ASCII case-insensitive equality with a lower-case word. */
static bool same_word(const char *s, const char *lower)
{
    for (; *s && *lower; s++, lower++)
        if ((*s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s) != *lower)
            return false;
    return *s == *lower;
}

/*
 * A PL/pgSQL variable's declared type, as written: t%ROWTYPE names a
 * relation, x%TYPE a column or variable (left out), anything else a type.
 */
static void walk_plpgsql_type(Walker *w, const Json *n, int depth, int level)
{
    const char *typname = json_str(json_get(n, "typname"));
    if (!typname || strcmp(typname, "UNKNOWN") == 0)
        return;
    size_t len = strlen(typname);
    while (len > 0 && (typname[len - 1] == ' ' || typname[len - 1] == '\n' ||
                       typname[len - 1] == '\t' || typname[len - 1] == '\r'))
        len--;
    char *t = arena_strndup(w->a, typname, len);
    char *pct = strrchr(t, '%');
    if (pct && same_word(pct + 1, "rowtype")) {
        *pct = '\0';
        walk_text(w, "SELECT * FROM ", t, depth, level);
    } else if (!pct) {
        walk_text(w, "SELECT NULL::", t, depth, level);
    }
}

/* Dispatches on a node type; returns false for types with nothing special. */
static bool walk_special(Walker *w, const char *type, const Json *n,
                         const Scope *sc, int depth, int level)
{
    if (strcmp(type, "RangeVar") == 0)
        walk_range_var(w, n, sc, depth);
    else if (strcmp(type, "TypeName") == 0)
        walk_type_name(w, n, sc, depth, level);
    else if (strcmp(type, "FuncCall") == 0)
        walk_func_call(w, n, sc, depth, level);
    else if (strcmp(type, "ColumnRef") == 0)
        walk_column_ref(w, n, depth);
    else if (strcmp(type, "PLpgSQL_expr") == 0)
        walk_text(w, NULL, json_str(json_get(n, "query")), depth, level);
    else if (strcmp(type, "PLpgSQL_type") == 0)
        walk_plpgsql_type(w, n, depth, level);
    else
        return false;
    return true;
}

/* The member of a nesting node that holds the nested SELECT. */
static const char *inner_member(const char *type)
{
    if (strcmp(type, "SubLink") == 0)
        return "subselect";
    if (strcmp(type, "RangeSubselect") == 0)
        return "subquery";
    if (strcmp(type, "CommonTableExpr") == 0)
        return "ctequery";
    return NULL;
}

static void walk_node(Walker *w, const char *type, const Json *n,
                      const Scope *sc, int depth, int level)
{
    if (!type || !walk_special(w, type, n, sc, depth, level))
        walk_members(w, n, type ? inner_member(type) : NULL, sc, depth,
                     level);
}

/*
 * Fields whose node type is fixed are written without the {"Type": ...}
 * wrapper (field names from libpg_query's pg_query.proto).  Each entry
 * names a member the object must have, to tell namesakes apart.
 */
static const char *inline_type(const char *field, const Json *obj)
{
    static const char *const fields[][3] = {
        {"relation", "RangeVar", "relname"}, {"rel", "RangeVar", "relname"},
        {"view", "RangeVar", "relname"}, {"sequence", "RangeVar", "relname"},
        {"constrrel", "RangeVar", "relname"}, {"table", "RangeVar", "relname"},
        {"typevar", "RangeVar", "relname"}, {"name", "RangeVar", "relname"},
        {"pktable", "RangeVar", "relname"},
        {"identitySequence", "RangeVar", "relname"},
        {"typeName", "TypeName", "names"}, {"type_name", "TypeName", "names"},
        {"argType", "TypeName", "names"}, {"returnType", "TypeName", "names"},
        {"ofTypename", "TypeName", "names"}, {"datatype", "TypeName", "names"},
        {"sourcetype", "TypeName", "names"},
        {"targettype", "TypeName", "names"},
        {"storedtype", "TypeName", "names"},
        {"funccall", "FuncCall", "funcname"},
    };
    for (size_t i = 0; field && i < sizeof fields / sizeof fields[0]; i++)
        if (strcmp(field, fields[i][0]) == 0 && json_get(obj, fields[i][2]))
            return fields[i][1];
    return NULL;
}

/* {"Type": {...}}: the form of every field typed as a generic Node. */
static const char *wrapper_type(const Json *obj)
{
    if (json_len(obj) != 1 || obj->u.list.items[0]->kind != JSON_OBJECT)
        return NULL;
    const char *key = obj->u.list.keys[0];
    return key[0] >= 'A' && key[0] <= 'Z' ? key : NULL;
}

static void walk_value(Walker *w, const Json *v, const char *field,
                       const Scope *sc, int depth, int level)
{
    if (!v || level > WALK_MAX_DEPTH)
        return;
    if (v->kind == JSON_ARRAY) {
        for (int i = 0; i < v->u.list.len; i++)
            walk_value(w, v->u.list.items[i], NULL, sc, depth, level + 1);
    } else if (v->kind == JSON_OBJECT) {
        const char *type = wrapper_type(v);
        if (type)
            walk_node(w, type, v->u.list.items[0], sc, depth, level + 1);
        else
            walk_node(w, inline_type(field, v), v, sc, depth, level);
    }
}

/*
 * Where a PL/pgSQL statement's text is in the body: from the statement's
 * line on, as written, or for PERFORM (whose text PL/pgSQL begins with
 * SELECT instead) where the rest is, less the 7 bytes of the keyword.
 * -1 when not found (and outside a body).
 */
static long text_in_body(const Walker *w, const char *text)
{
    if (!w->body || w->lineno <= 0)
        return -1;
    size_t from = line_start(w->body, w->body_len, w->lineno);
    long at = find_token(w->body + from, w->body_len - from, text);
    if (at >= 0)
        return (long)from + at;
    if (strncmp(text, "SELECT ", 7) != 0)
        return -1;
    at = find_token(w->body + from, w->body_len - from, text + 7);
    return at >= 0 ? (long)from + at - 7 : -1;
}

/*
 * SQL held as text: tried as a statement, then as an expression, then as
 * the value of a PL/pgSQL assignment (`target := expr`).  Text that still
 * does not parse has already been reported by PL/pgSQL's own check.
 */
static void walk_text(Walker *w, const char *prefix, const char *text,
                      int depth, int level)
{
    if (!text)
        return;
    const char *parsed = text, *put = prefix ? prefix : "";
    PgParse p = pgsql_parse(w->a, prefix, text, strlen(text), "");
    if (!p.tree && !prefix) {
        p = pgsql_parse(w->a, "SELECT ", text, strlen(text), "");
        put = "SELECT ";
    }
    const char *assign = strstr(text, ":=");
    if (!p.tree && !prefix && assign) {
        parsed = assign + 2;
        p = pgsql_parse(w->a, "SELECT ", parsed, strlen(parsed), "");
    }
    if (!p.tree)
        return;
    bool saved = w->reparsed;
    long saved_shift = w->shift;
    long at = text_in_body(w, text);
    w->reparsed = true;
    w->shift = at >= 0 ? at + (long)(parsed - text) -
                                    (long)strlen(put) : -1;
    walk_value(w, p.tree, NULL, NULL, depth, level + 1);
    w->reparsed = saved;
    w->shift = saved_shift;
}

/*
 * Appends a PgRef* to out for every relation, function, type and bare
 * column the tree names, in tree order, leaving out relations that name a
 * WITH query in scope.  PL/pgSQL query text is parsed and walked too; its
 * references carry location -1.
 */
void pgsql_collect_refs(Arena *a, const Json *tree, Vec *out)
{
    Walker w = { a, out, false, NULL, 0, 0, -1 };
    walk_value(&w, tree, NULL, NULL, 0, 0);
}

void pgsql_collect_body_refs(Arena *a, const Json *tree, const char *body,
                             size_t len, Vec *out)
{
    Walker w = { a, out, false, body, len, 0, -1 };
    walk_value(&w, tree, NULL, NULL, 0, 0);
}
