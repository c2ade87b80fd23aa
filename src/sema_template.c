/*
 * sema_template.c — `use TEMPLATE(ARGS);` pastes the template's items into
 * the table.  Substitution is textual (`${param}`, `${table}`), so the
 * expanded text is a new Source whose spans map every byte back to the
 * template or to the argument it came from: errors in it point at real
 * files, with a note at the `use`.
 */
#include "sema.h"

#include <string.h>

/* Templates may use templates; deeper than this is a cycle. */
#define MAX_TEMPLATE_DEPTH 16

typedef struct Expansion {
    Buf text;
    SourceSpan *spans;
    int nspans;
    int cap;
} Expansion;

static void add_span(Sema *s, Expansion *e, const Source *origin,
                     size_t origin_off, const char *bytes, size_t len)
{
    if (len == 0)
        return;
    if (e->nspans == e->cap) {
        int cap = e->cap ? e->cap * 2 : 16;
        SourceSpan *sp = arena_alloc(s->arena, sizeof *sp * (size_t)cap);
        if (e->nspans)
            memcpy(sp, e->spans, sizeof *sp * (size_t)e->nspans);
        e->spans = sp;
        e->cap = cap;
    }
    e->spans[e->nspans++] = (SourceSpan){e->text.len, len, origin,
                                         origin_off, false};
    buf_put(&e->text, bytes, len);
}

/* One ${name}'s replacement: as written, and its value if a literal. */
typedef struct Arg {
    const Source *src;
    size_t off;
    const char *raw;
    size_t raw_len;
    const char *value;   /* NULL unless written as one string literal */
} Arg;

static bool argument(Arena *a, Decl *tpl, Use *u, Decl *table,
                     const char *name, Arg *out)
{
    for (int i = 0; i < tpl->params.len && i < u->args.len; i++) {
        const Ident *p = tpl->params.items[i];
        if (strcmp(p->name, name) != 0)
            continue;
        const Frag *f = u->args.items[i];
        const Token *t = f->first;
        bool literal = (t->kind == TK_STRING || t->kind == TK_DOLLAR) &&
                       t->off == f->off && t->len == f->len;
        *out = (Arg){f->src, f->off, f->src->text + f->off, f->len,
                     literal ? tok_string(a, t) : NULL};
        return true;
    }
    if (strcmp(name, "table") == 0) {
        Buf b = {0};
        quote_ident(&b, table->name.name);
        *out = (Arg){u->tok->src, u->tok->off, arena_strdup(a, b.data),
                     b.len, table->name.name};
        buf_free(&b);
        return true;
    }
    return false;
}

/* The token of the template body holding offset off (tokens ascend). */
static const Token *token_at(const Token **cursor, size_t off)
{
    const Token *t = *cursor;
    while (t->kind != TK_EOF && t->off + t->len <= off)
        t++;
    *cursor = t;
    return t->off <= off ? t : NULL;
}

/*
 * The text to paste for an argument where ${...} stands: in a string
 * literal or quoted name, the argument's value with its quote character
 * doubled; in SQL, the argument as written.
 */
static const char *pasted(Arena *a, const Arg *arg, const Token *ctx,
                          size_t *len)
{
    bool in_string = ctx && ctx->kind == TK_STRING;
    bool in_name = ctx && ctx->kind == TK_QIDENT;
    bool in_dollar = ctx && ctx->kind == TK_DOLLAR;
    const char *text = arg->value && (in_string || in_name || in_dollar)
        ? arg->value : arena_strndup(a, arg->raw, arg->raw_len);
    char quote = in_string ? '\'' : in_name ? '"' : 0;
    bool backslash = in_string && (tok_text(ctx)[0] | 0x20) == 'e';
    Buf b = {0};
    for (const char *c = text; *c; c++) {
        if (*c == quote || (backslash && *c == '\\'))
            buf_putc(&b, *c);
        buf_putc(&b, *c);
    }
    char *out = arena_strndup(a, b.data ? b.data : "", b.len);
    *len = b.len;
    buf_free(&b);
    return out;
}

/* Copies the template body, replacing each ${name}. */
static bool substitute(Sema *s, Decl *tpl, Use *u, Decl *table,
                       Expansion *e)
{
    const Frag *body = &tpl->template_body;
    const char *t = body->src->text + body->off;
    const Token *cursor = body->first;
    size_t start = 0;
    bool ok = true;
    for (size_t i = 0; i + 1 < body->len; i++) {
        if (t[i] != '$' || t[i + 1] != '{')
            continue;
        const char *close = memchr(t + i, '}', body->len - i);
        if (!close)
            break;
        size_t nlen = (size_t)(close - (t + i)) - 2;
        char *name = arena_strndup(s->arena, t + i + 2, nlen);
        Arg arg;
        add_span(s, e, body->src, body->off + start, t + start, i - start);
        if (argument(s->arena, tpl, u, table, name, &arg)) {
            size_t len;
            const char *text = pasted(s->arena, &arg,
                                      token_at(&cursor, body->off + i), &len);
            add_span(s, e, arg.src, arg.off, text, len);
        } else {
            diag_at(s->diag, DIAG_ERROR, body->src, body->off + i, nlen + 3,
                    "unknown template parameter \"%s\"", name);
            ok = false;
        }
        start = i = (size_t)(close - t) + 1;
        i--;
    }
    add_span(s, e, body->src, body->off + start, t + start,
             body->len - start);
    return ok;
}

/* The templates being expanded, innermost first. */
typedef struct Chain {
    const Decl *tpl;
    const struct Chain *up;
} Chain;

static void expand_items(Sema *s, Decl *table, Vec *in, Vec *out,
                         const Chain *chain, int depth);

static bool in_chain(const Chain *c, const Decl *tpl)
{
    for (; c; c = c->up)
        if (c->tpl == tpl)
            return true;
    return false;
}

static bool check_use(Sema *s, Use *u, Decl *tpl, const Chain *chain,
                      int depth)
{
    if (!tpl) {
        sema_error(s, u->name.tok, "unknown template \"%s\"%s", u->name.name,
                   sema_hint_template(s, u->name.name));
        return false;
    }
    if (!in_chain(chain, tpl) && depth >= MAX_TEMPLATE_DEPTH) {
        sema_error(s, u->name.tok, "template \"%s\" is nested more than %d "
                   "templates deep", u->name.name, MAX_TEMPLATE_DEPTH);
        return false;
    }
    if (in_chain(chain, tpl)) {
        sema_error(s, u->name.tok, "template \"%s\" uses itself, directly "
                   "or through other templates", u->name.name);
        return false;
    }
    if (u->args.len != tpl->params.len) {
        sema_error(s, u->name.tok, "template \"%s\" takes %d argument%s, "
                   "%d given", u->name.name, tpl->params.len,
                   tpl->params.len == 1 ? "" : "s", u->args.len);
        sema_note(s, tpl->name.tok, "template \"%s\" is declared here",
                  tpl->name.name);
        return false;
    }
    return true;
}

static void expand_use(Sema *s, Decl *table, Item *it, Vec *out,
                       const Chain *chain, int depth)
{
    Use *u = it->u.use;
    Decl *tpl = map_get(s->templates, u->name.name);
    if (!check_use(s, u, tpl, chain, depth))
        return;
    Chain here = {tpl, chain};
    Expansion e = {0};
    bool ok = substitute(s, tpl, u, table, &e);
    if (ok) {
        Source *src = source_from_text(s->arena, tpl->tok->src->name,
                                       e.text.data ? e.text.data : "",
                                       e.text.len);
        src->spans = e.spans;
        src->nspans = e.nspans;
        src->expanded_at = u->tok;
        TokenList tl = lex_source(s->arena, src, s->diag);
        Vec items = {0};
        parse_table_items(s->arena, &tl, &items, s->diag);
        for (int i = 0; i < items.len; i++)
            ((Item *)items.items[i])->from_template = tpl;
        expand_items(s, table, &items, out, &here, depth + 1);
    }
    buf_free(&e.text);
}

static void expand_items(Sema *s, Decl *table, Vec *in, Vec *out,
                         const Chain *chain, int depth)
{
    for (int i = 0; i < in->len; i++) {
        Item *it = in->items[i];
        if (it->kind == ITEM_USE)
            expand_use(s, table, it, out, chain, depth);
        else
            vec_push(s->arena, out, it);
    }
}

/* Expands uses, then lists the table's columns (duplicates are errors). */
void sema_expand_templates(Sema *s, Decl *table)
{
    Vec out = {0};
    expand_items(s, table, &table->items, &out, NULL, 0);
    table->items = out;
    for (int i = 0; i < out.len; i++) {
        Item *it = out.items[i];
        if (it->kind != ITEM_COLUMN)
            continue;
        Column *c = it->u.column;
        Column *prev = sema_find_column(table, c->name.name);
        if (prev) {
            sema_error(s, c->name.tok, "column \"%s\" is declared twice in "
                       "table \"%s\"", c->name.name, table->name.name);
            sema_note(s, prev->name.tok, "first declared here");
            continue;
        }
        c->attnum = table->columns.len + 1;
        vec_push(s->arena, &table->columns, c);
    }
}
