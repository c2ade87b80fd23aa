/*
 * parse_items.c — items of indexes, views, functions, schemas and roles,
 * and the items every declaration shares: grant, revoke and comment.
 */
#include "parse.h"

#include <string.h>

static const char *const index_where_stops[] = {"concurrently", NULL};

/* index-name = [ident [renamed]] ["using" ident], with the name optional */
static bool parse_index_head(Parser *p, Index *ix)
{
    if (!tok_punct(parse_cur(p), '(') && !tok_is(parse_cur(p), "using") &&
        !parse_ident(p, &ix->given, "an index name or '('"))
        return false;
    if (ix->given.name && !parse_renamed(p, &ix->renamed_from, false))
        return false;
    if (parse_accept(p, "using") &&
        !parse_ident(p, &ix->method, "an index method"))
        return false;
    return parse_parens(p, &ix->elems, "'(' and the indexed columns");
}

/*
 * index = ["unique"] "index" [ident] ["using" ident] "(" elems ")"
 *         ["include" "(" cols ")"] ["nulls" ["not"] "distinct"]
 *         ["where" expr] ["concurrently"] ["comment" string] ";"
 */
bool parse_index(Parser *p, Vec *items)
{
    Index *ix = arena_alloc(p->arena, sizeof *ix);
    ix->tok = parse_cur(p);
    ix->unique = parse_accept(p, "unique");
    if (!parse_expect(p, "index") || !parse_index_head(p, ix))
        return false;
    if (parse_accept(p, "include") &&
        !parse_parens(p, &ix->include, "'(' and the included columns"))
        return false;
    if (parse_accept(p, "nulls")) {
        ix->nulls_not_distinct = parse_accept(p, "not");
        if (!parse_expect(p, "distinct"))
            return false;
    }
    if (parse_accept(p, "where") &&
        !parse_until(p, index_where_stops, &ix->where, "a predicate"))
        return false;
    ix->concurrently = parse_accept(p, "concurrently");
    if (!parse_trailing_comment(p, &ix->comment, &ix->comment_tok))
        return false;
    Item *it = parse_new_item(p, ITEM_INDEX, ix->tok);
    it->u.index = ix;
    vec_push(p->arena, items, it);
    return parse_expect_punct(p, ';', "the index");
}

/* privs = priv ("," priv)*, where "all" may be followed by "privileges" */
static bool parse_privileges(Parser *p, Grant *g)
{
    do {
        Ident *id = arena_alloc(p->arena, sizeof *id);
        if (!parse_ident(p, id, "a privilege"))
            return false;
        if (strcmp(id->name, "all") == 0)
            parse_accept(p, "privileges");
        vec_push(p->arena, &g->privs, id);
    } while (parse_accept_punct(p, ','));
    if (tok_punct(parse_cur(p), '(')) {
        if (!parse_accept_punct(p, '(') ||
            !parse_ident_list(p, &g->cols, "a column name") ||
            !parse_expect_punct(p, ')', "the column names"))
            return false;
    }
    return true;
}

/*
 * grant = "grant" privs ["(" cols ")"] ["on" objects | on-all] "to" roles
 *         ["with" "grant" "option"] ";"
 * revoke = "revoke" ["grant" "option" "for"] privs ["(" cols ")"]
 *          ["on" objects | on-all] "from" roles ";"
 * on-all = "on" "all" ("tables" | "functions" | "sequences")
 *          ["in" "schema" name]
 * where "on" objects appears only in default privileges, and on-all only
 * in a schema (sema says so elsewhere).
 */
static bool parse_grant(Parser *p, Grant *g, bool allow_on)
{
    g->tok = parse_next(p);
    g->revoke = tok_is(g->tok, "revoke");
    if (g->revoke && tok_is(parse_cur(p), "grant")) {
        p->pos++;
        if (!parse_expect(p, "option") || !parse_expect(p, "for"))
            return false;
        g->grant_option = true;
    }
    if (!parse_privileges(p, g))
        return false;
    if (allow_on) {
        Ident on;
        if (!parse_expect(p, "on") ||
            !parse_ident(p, &on, "tables, sequences, functions or types"))
            return false;
        g->on = on.name;
    } else if (tok_is(parse_cur(p), "on") && tok_is(parse_peek(p, 1), "all")) {
        p->pos += 2;
        if (!parse_ident(p, &g->on_all, "tables, functions or sequences"))
            return false;
        if (parse_accept(p, "in") &&
            (!parse_expect(p, "schema") ||
             !parse_ident(p, &g->on_schema, "the schema's name")))
            return false;
    }
    if (!parse_expect(p, g->revoke ? "from" : "to") ||
        !parse_ident_list(p, &g->roles, "a role name"))
        return false;
    if (!g->revoke && parse_accept(p, "with")) {
        if (!parse_expect(p, "grant") || !parse_expect(p, "option"))
            return false;
        g->grant_option = true;
    }
    return parse_expect_punct(p, ';', g->revoke ? "the revoke"
                                                : "the grant");
}

bool parse_default_grant(Parser *p, Grant *g)
{
    return parse_grant(p, g, true);
}

/* common-item = grant | revoke | "comment" string ";" */
bool parse_common_item(Parser *p, Vec *items)
{
    const Token *t = parse_cur(p);
    if (tok_is(t, "comment")) {
        p->pos++;
        Item *it = parse_new_item(p, ITEM_COMMENT, t);
        if (!parse_string(p, &it->u.comment, NULL, "a quoted comment"))
            return false;
        vec_push(p->arena, items, it);
        return parse_expect_punct(p, ';', "the comment");
    }
    if (tok_is(t, "grant") || tok_is(t, "revoke")) {
        Item *it = parse_new_item(p, ITEM_GRANT, t);
        it->u.grant = arena_alloc(p->arena, sizeof(Grant));
        vec_push(p->arena, items, it);
        return parse_grant(p, it->u.grant, false);
    }
    parse_error_expected(p, "grant, revoke or comment");
    return false;
}

static bool unexpected_item(Parser *p, const char *where,
                            const char *const *words)
{
    const Token *t = parse_cur(p);
    const char *word = t->kind == TK_IDENT ? tok_ident(p->arena, t) : NULL;
    const char *hint = word ? parse_suggest(word, words) : NULL;
    if (hint && strcmp(hint, word) != 0)
        diag_at(p->diag, DIAG_ERROR, t->src, t->off, t->len,
                "unknown item '%.*s' in %s; did you mean '%s'?",
                (int)t->len, tok_text(t), where, hint);
    else
        parse_error_expected(p, arena_printf(p->arena, "an item of %s",
                                             where));
    return false;
}

/* view-item = "with" "(" options ")" ";" | "as" query ";" | common-item
 *           | index (materialized views only) */
bool parse_view_item(Parser *p, Vec *items, bool materialized)
{
    static const char *const words[] = {"with", "as", "grant", "revoke",
                                        "comment", "index", "unique",
                                        "allow", NULL};
    const Token *t = parse_cur(p);
    if (tok_is(t, "with")) {
        p->pos++;
        Item *it = parse_new_item(p, ITEM_OPTIONS, t);
        if (!parse_parens(p, &it->u.options, "'(' and view options"))
            return false;
        vec_push(p->arena, items, it);
        return parse_expect_punct(p, ';', "the view options");
    }
    if (tok_is(t, "as")) {
        p->pos++;
        Item *it = parse_new_item(p, ITEM_QUERY, t);
        if (!parse_until(p, NULL, &it->u.query, "a query"))
            return false;
        vec_push(p->arena, items, it);
        return parse_expect_punct(p, ';', "the query");
    }
    if (materialized && (tok_is(t, "index") || tok_is(t, "unique")))
        return parse_index(p, items);
    if (tok_is(t, "allow"))
        return parse_allow(p, items);
    if (tok_is(t, "grant") || tok_is(t, "revoke") || tok_is(t, "comment"))
        return parse_common_item(p, items);
    return unexpected_item(p, materialized ? "a materialized view"
                                           : "a view", words);
}

/* Words that make a function attribute, and what each becomes in SQL. */
static const struct { const char *words; const char *sql; } attributes[] = {
    {"immutable", "IMMUTABLE"}, {"stable", "STABLE"},
    {"volatile", "VOLATILE"}, {"security definer", "SECURITY DEFINER"},
    {"security invoker", "SECURITY INVOKER"}, {"strict", "STRICT"},
    {"called on null input", "CALLED ON NULL INPUT"},
    {"returns null on null input", "RETURNS NULL ON NULL INPUT"},
    {"leakproof", "LEAKPROOF"}, {"not leakproof", "NOT LEAKPROOF"},
    {"parallel safe", "PARALLEL SAFE"},
    {"parallel restricted", "PARALLEL RESTRICTED"},
    {"parallel unsafe", "PARALLEL UNSAFE"}, {"cost", "COST"},
    {"rows", "ROWS"},
};

/* True if the words of phrase follow at the cursor (consumed if so). */
static bool accept_phrase(Parser *p, const char *phrase)
{
    int n = 0;
    const char *w = phrase;
    while (*w) {
        size_t len = strcspn(w, " ");
        char word[32];
        snprintf(word, sizeof word, "%.*s", (int)len, w);
        if (!tok_is(parse_peek(p, n), word))
            return false;
        n++;
        w += len + (w[len] == ' ');
    }
    p->pos += n;
    return true;
}

static bool parse_attribute(Parser *p, Vec *items)
{
    const Token *t = parse_cur(p);
    for (size_t i = 0; i < sizeof attributes / sizeof attributes[0]; i++) {
        if (!accept_phrase(p, attributes[i].words))
            continue;
        Item *it = parse_new_item(p, ITEM_ATTRIBUTE, t);
        it->u.attribute.tok = t;
        it->u.attribute.name = attributes[i].sql;
        if (strcmp(attributes[i].sql, "COST") == 0 ||
            strcmp(attributes[i].sql, "ROWS") == 0) {
            const Token *n = parse_cur(p);
            if (n->kind != TK_NUMBER) {
                parse_error_expected(p, "a number");
                return false;
            }
            p->pos++;
            it->u.attribute.name = arena_printf(p->arena, "%s %.*s",
                attributes[i].sql, (int)n->len, tok_text(n));
        }
        vec_push(p->arena, items, it);
        return parse_expect_punct(p, ';', "the attribute");
    }
    return false;
}

/* set = "set" ident ("=" | "to") value ";" | "set" ident "from" "current" ";" */
static bool parse_set(Parser *p, Vec *items)
{
    SetParam *sp = arena_alloc(p->arena, sizeof *sp);
    sp->tok = parse_next(p);
    if (!parse_qname(p, &(QName){0}, "a setting name"))
        return false;
    const Token *first = sp->tok + 1, *last = parse_peek(p, -1);
    sp->name.tok = first;
    sp->name.name = arena_strndup(p->arena, tok_text(first),
                                  last->off + last->len - first->off);
    for (char *c = (char *)sp->name.name; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    if (parse_accept(p, "from")) {
        if (!parse_expect(p, "current"))
            return false;
    } else if (!parse_accept(p, "to") && !tok_op(parse_cur(p), "=")) {
        parse_error_expected(p, "'=', 'to' or 'from current'");
        return false;
    } else {
        if (tok_op(parse_cur(p), "="))
            p->pos++;
        if (!parse_until(p, NULL, &sp->value, "a value"))
            return false;
    }
    Item *it = parse_new_item(p, ITEM_SET, sp->tok);
    it->u.set = sp;
    vec_push(p->arena, items, it);
    return parse_expect_punct(p, ';', "the setting");
}

/* function-item = "language" ident ";" | attribute ";" | set
 *               | "as" string ";" | common-item */
bool parse_function_item(Parser *p, Vec *items)
{
    static const char *const words[] = {
        "language", "immutable", "stable", "volatile", "security", "strict",
        "leakproof", "parallel", "cost", "rows", "set", "as", "grant",
        "revoke", "comment", NULL,
    };
    const Token *t = parse_cur(p);
    if (tok_is(t, "language")) {
        p->pos++;
        Item *it = parse_new_item(p, ITEM_LANGUAGE, t);
        if (!parse_ident(p, &it->u.language, "a language name"))
            return false;
        vec_push(p->arena, items, it);
        return parse_expect_punct(p, ';', "the language");
    }
    if (tok_is(t, "as")) {
        p->pos++;
        Item *it = parse_new_item(p, ITEM_BODY, t);
        const char *unused;
        if (!parse_string(p, &unused, &it->u.body, "the function body "
                          "as a string ($$ ... $$)"))
            return false;
        vec_push(p->arena, items, it);
        return parse_expect_punct(p, ';', "the function body");
    }
    if (tok_is(t, "set"))
        return parse_set(p, items);
    if (tok_is(t, "allow"))
        return parse_allow(p, items);
    if (tok_is(t, "grant") || tok_is(t, "revoke") || tok_is(t, "comment"))
        return parse_common_item(p, items);
    int before = p->pos;
    if (parse_attribute(p, items))
        return true;
    if (p->pos != before)
        return false;  /* a known attribute with a bad tail, reported */
    return unexpected_item(p, "a function", words);
}

/* schema-item = common-item | "default" "privileges" (grant | revoke) */
bool parse_schema_item(Parser *p, Vec *items)
{
    static const char *const words[] = {"grant", "revoke", "comment",
                                        "default", "not", NULL};
    const Token *t = parse_cur(p);
    if (tok_is(t, "not")) {   /* not exposed: the API does not serve it */
        p->pos++;
        if (!parse_expect(p, "exposed"))
            return false;
        Item *it = parse_new_item(p, ITEM_ATTRIBUTE, t);
        it->u.attribute.tok = t;
        it->u.attribute.name = "NOT EXPOSED";
        vec_push(p->arena, items, it);
        return parse_expect_punct(p, ';', "not exposed");
    }
    if (tok_is(t, "default")) {
        p->pos++;
        if (!parse_expect(p, "privileges"))
            return false;
        if (!tok_is(parse_cur(p), "grant") && !tok_is(parse_cur(p), "revoke")) {
            parse_error_expected(p, "grant or revoke");
            return false;
        }
        Item *it = parse_new_item(p, ITEM_DEFAULT_PRIVS, t);
        it->u.grant = arena_alloc(p->arena, sizeof(Grant));
        vec_push(p->arena, items, it);
        return parse_grant(p, it->u.grant, true);
    }
    if (tok_is(t, "grant") || tok_is(t, "revoke") || tok_is(t, "comment"))
        return parse_common_item(p, items);
    return unexpected_item(p, "a schema", words);
}

/* role-item = "in" "role" roles ";" | "login" ";" | "comment" string ";" */
bool parse_role_item(Parser *p, Vec *items)
{
    static const char *const words[] = {"in", "login", "comment", NULL};
    const Token *t = parse_cur(p);
    if (tok_is(t, "in")) {
        p->pos++;
        Item *it = parse_new_item(p, ITEM_IN_ROLE, t);
        if (!parse_expect(p, "role") ||
            !parse_ident_list(p, &it->u.in_roles, "a role name"))
            return false;
        vec_push(p->arena, items, it);
        return parse_expect_punct(p, ';', "the roles");
    }
    if (tok_is(t, "login")) {
        p->pos++;
        vec_push(p->arena, items, parse_new_item(p, ITEM_LOGIN, t));
        return parse_expect_punct(p, ';', "login");
    }
    if (tok_is(t, "comment"))
        return parse_common_item(p, items);
    return unexpected_item(p, "a role", words);
}

/* allow = "allow" ident string ";" -- the reason must be written */
bool parse_allow(Parser *p, Vec *items)
{
    Item *it = parse_new_item(p, ITEM_ALLOW, parse_next(p));
    if (!parse_ident(p, &it->u.allow.rule, "a lint rule name") ||
        !parse_string(p, &it->u.allow.reason, NULL, "the reason, quoted"))
        return false;
    vec_push(p->arena, items, it);
    return parse_expect_punct(p, ';', "the reason");
}
