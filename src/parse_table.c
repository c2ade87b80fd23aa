/*
 * parse_table.c — the items of a table: columns and their constraints,
 * table constraints, indexes, row level security, policies, triggers,
 * partitions and template uses.
 *
 * Item keywords are not reserved: a line is read as an item only when the
 * token after the keyword fits that item; otherwise it is a column.
 */
#include "parse.h"

#include <string.h>

/* Words that end a column's type or a default's term. */
static const char *const column_stops[] = {
    "not", "null", "default", "primary", "unique", "references", "check",
    "generated", "collate", "constraint", "comment", "backfill", NULL,
};

static Constraint *new_constraint(Parser *p, ConKind kind, const Token *tok)
{
    Constraint *c = arena_alloc(p->arena, sizeof *c);
    c->kind = kind;
    c->tok = tok;
    return c;
}

/* cols = "(" ident ("," ident)* ")" */
static bool parse_columns(Parser *p, Vec *out)
{
    if (!parse_expect_punct(p, '(', NULL) ||
        !parse_ident_list(p, out, "a column name"))
        return false;
    return parse_expect_punct(p, ')', "the column names");
}

/* action = "cascade" | "restrict" | "no" "action" | "set" ("null"|"default") */
static bool parse_fk_action(Parser *p, FkAction *out)
{
    if (parse_accept(p, "cascade"))
        *out = FK_CASCADE;
    else if (parse_accept(p, "restrict"))
        *out = FK_RESTRICT;
    else if (parse_accept(p, "no")) {
        *out = FK_NO_ACTION;
        return parse_expect(p, "action");
    }
    else if (parse_accept(p, "set") && parse_accept(p, "null"))
        *out = FK_SET_NULL;
    else if (tok_is(parse_peek(p, -1), "set") && parse_accept(p, "default"))
        *out = FK_SET_DEFAULT;
    else {
        parse_error_expected(p, "cascade, restrict, no action, set null "
                                "or set default");
        return false;
    }
    return true;
}

/* deferrable = [["not"] "deferrable"] ["initially" ("deferred"|"immediate")] */
static bool parse_deferrable(Parser *p, Constraint *c)
{
    if (parse_accept(p, "deferrable"))
        c->deferrable = true;
    else if (tok_is(parse_cur(p), "not") &&
             tok_is(parse_peek(p, 1), "deferrable"))
        p->pos += 2;
    if (parse_accept(p, "initially")) {
        c->initially_deferred = parse_accept(p, "deferred");
        if (!c->initially_deferred && !parse_expect(p, "immediate"))
            return false;
        /* as in PostgreSQL, initially deferred implies deferrable */
        c->deferrable |= c->initially_deferred;
    }
    return true;
}

/*
 * references = "references" qname [cols] ["match" ("full"|"simple")]
 *              ["on" ("delete"|"update") action]*
 *              [["not"] "deferrable"] ["initially" ("deferred"|"immediate")]
 */
static bool parse_references(Parser *p, Constraint *c)
{
    if (!parse_qname(p, &c->ref_table, "the referenced table"))
        return false;
    if (tok_punct(parse_cur(p), '(') && !parse_columns(p, &c->ref_cols))
        return false;
    if (parse_accept(p, "match")) {
        c->match_full = parse_accept(p, "full");
        if (!c->match_full && !parse_expect(p, "simple"))
            return false;
    }
    while (parse_accept(p, "on")) {
        bool del = parse_accept(p, "delete");
        if (!del && !parse_expect(p, "update"))
            return false;
        if (!parse_fk_action(p, del ? &c->on_delete : &c->on_update))
            return false;
    }
    return parse_deferrable(p, c);
}

/* The default term: everything up to the next column keyword; the first
 * token may itself be one (`default null`). */
static bool parse_default(Parser *p, Constraint *c)
{
    int start = p->pos;
    const Token *t = parse_cur(p);
    if (t->kind == TK_EOF || tok_punct(t, ';') || tok_punct(t, '}') ||
        tok_punct(t, '{')) {
        parse_error_expected(p, "a default value");
        return false;
    }
    for (int i = 0; column_stops[i]; i++)
        if (tok_is(t, column_stops[i]))
            p->pos++;
    Frag rest;
    parse_until(p, column_stops, &rest, NULL);
    c->expr = parse_frag(p, start, p->pos);
    return true;
}

/* generated = "generated" ("always" "as" "(" expr ")" "stored"
 *                        | ("always" | "by" "default") "as" "identity" [(opts)]) */
static bool parse_generated(Parser *p, Constraint *c)
{
    bool always = parse_accept(p, "always");
    if (!always && !(parse_expect(p, "by") && parse_expect(p, "default")))
        return false;
    if (!parse_expect(p, "as"))
        return false;
    if (parse_accept(p, "identity")) {
        c->kind = CON_IDENTITY;
        c->identity_always = always;
        if (tok_punct(parse_cur(p), '(') &&
            !parse_parens(p, &c->expr, "identity options"))
            return false;
        return true;
    }
    if (!always) {
        parse_error_expected(p, "'identity'");
        return false;
    }
    c->kind = CON_GENERATED;
    return parse_parens(p, &c->expr, "'(' and the generation expression") &&
           parse_expect(p, "stored");
}

/* unique-tail = ["nulls" ["not"] "distinct"] */
static bool parse_nulls_distinct(Parser *p, bool *not_distinct)
{
    if (!parse_accept(p, "nulls"))
        return true;
    *not_distinct = parse_accept(p, "not");
    return parse_expect(p, "distinct");
}

/* check = "check" "(" expr ")" ["no" "inherit"] */
static bool parse_check(Parser *p, Constraint *c)
{
    if (!parse_parens(p, &c->expr, "'(' and the check expression"))
        return false;
    if (tok_is(parse_cur(p), "no") && tok_is(parse_peek(p, 1), "inherit")) {
        p->pos += 2;
        c->no_inherit = true;
    }
    return true;
}

static bool parse_column_constraint(Parser *p, Constraint *c)
{
    int start = p->pos;
    const Token *t = parse_next(p);
    if (tok_is(t, "not"))
        return c->kind = CON_NOT_NULL, parse_expect(p, "null");
    if (tok_is(t, "null"))
        return c->kind = CON_NULL, true;
    if (tok_is(t, "default"))
        return c->kind = CON_DEFAULT, parse_default(p, c);
    if (tok_is(t, "backfill"))
        return c->kind = CON_BACKFILL, parse_default(p, c);
    if (tok_is(t, "primary"))
        return c->kind = CON_PRIMARY_KEY, parse_expect(p, "key") &&
                                          parse_deferrable(p, c);
    if (tok_is(t, "unique"))
        return c->kind = CON_UNIQUE,
               parse_nulls_distinct(p, &c->nulls_not_distinct) &&
               parse_deferrable(p, c);
    if (tok_is(t, "references"))
        return c->kind = CON_FOREIGN_KEY, parse_references(p, c);
    if (tok_is(t, "check"))
        return c->kind = CON_CHECK, parse_check(p, c);
    if (tok_is(t, "generated"))
        return parse_generated(p, c);
    if (tok_is(t, "collate")) {
        c->kind = CON_COLLATE;
        int start = p->pos;
        QName coll;
        if (!parse_qname(p, &coll, "a collation name"))
            return false;
        c->expr = parse_frag(p, start, p->pos);
        return true;
    }
    p->pos = start;
    parse_error_expected(p, "a column constraint, 'comment' or ';'");
    return false;
}

/* column = ident [renamed] TYPE colcons* ["comment" string] ";" */
static bool parse_column(Parser *p, Vec *items)
{
    Column *col = arena_alloc(p->arena, sizeof *col);
    if (!parse_ident(p, &col->name, "a column name") ||
        !parse_renamed(p, &col->renamed_from, false) ||
        !parse_until(p, column_stops, &col->type, "a column type"))
        return false;
    while (!tok_punct(parse_cur(p), ';')) {
        if (parse_accept(p, "comment")) {
            col->comment_tok = parse_cur(p);
            if (!parse_string(p, &col->comment, NULL, "a quoted comment"))
                return false;
            continue;
        }
        Constraint *c = new_constraint(p, CON_NULL, parse_cur(p));
        c->column = col;
        if (parse_accept(p, "constraint") &&
            (!parse_ident(p, &c->given, "a constraint name") ||
             !parse_renamed(p, &c->renamed_from, false)))
            return false;
        if (!parse_column_constraint(p, c))
            return false;
        vec_push(p->arena, &col->cons, c);
    }
    Item *it = parse_new_item(p, ITEM_COLUMN, col->name.tok);
    it->u.column = col;
    vec_push(p->arena, items, it);
    return parse_expect_punct(p, ';', "the column");
}

/*
 * table-constraint = ["constraint" ident [renamed]]
 *     ( "primary" "key" cols | "unique" [nulls] cols | "check" "(" expr ")"
 *     | "foreign" "key" cols references | "exclude" text )
 *     ["comment" string] ";"
 */
static bool parse_table_constraint(Parser *p, Vec *items)
{
    Constraint *c = new_constraint(p, CON_CHECK, parse_cur(p));
    if (parse_accept(p, "constraint") &&
        (!parse_ident(p, &c->given, "a constraint name") ||
         !parse_renamed(p, &c->renamed_from, false)))
        return false;
    int start = p->pos;
    const Token *t = parse_next(p);
    bool ok;
    if (tok_is(t, "primary"))
        ok = (c->kind = CON_PRIMARY_KEY, parse_expect(p, "key")) &&
             parse_columns(p, &c->cols) && parse_deferrable(p, c);
    else if (tok_is(t, "unique")) {
        /* nulls [not] distinct is accepted before or after the columns */
        c->kind = CON_UNIQUE;
        ok = parse_nulls_distinct(p, &c->nulls_not_distinct) &&
             parse_columns(p, &c->cols) &&
             parse_nulls_distinct(p, &c->nulls_not_distinct) &&
             parse_deferrable(p, c);
    } else if (tok_is(t, "check"))
        ok = parse_check(p, c);
    else if (tok_is(t, "foreign"))
        ok = (c->kind = CON_FOREIGN_KEY, parse_expect(p, "key")) &&
             parse_columns(p, &c->cols) && parse_expect(p, "references") &&
             parse_references(p, c);
    else if (tok_is(t, "exclude"))
        ok = (c->kind = CON_EXCLUDE,
              parse_until(p, NULL, &c->expr, "'using' and the elements"));
    else {
        p->pos = start;
        parse_error_expected(p, "primary key, unique, check, foreign key "
                                "or exclude");
        return false;
    }
    if (!ok)
        return false;
    if (!parse_trailing_comment(p, &c->comment, &c->comment_tok))
        return false;
    Item *it = parse_new_item(p, ITEM_CONSTRAINT, c->tok);
    it->u.constraint = c;
    vec_push(p->arena, items, it);
    return parse_expect_punct(p, ';', "the constraint");
}

static PolicyCmd policy_cmd(Parser *p, bool *ok)
{
    static const char *const words[] = {"all", "select", "insert",
                                        "update", "delete"};
    for (int i = 0; i < 5; i++)
        if (parse_accept(p, words[i])) {
            *ok = true;
            return (PolicyCmd)i;
        }
    parse_error_expected(p, "all, select, insert, update or delete");
    *ok = false;
    return POL_ALL;
}

/* policy-clauses = ["as" kind] ["for" cmd] ["to" roles]
 *                  ["using" "(" expr ")"] ["with" "check" "(" expr ")"] */
static bool parse_policy_clauses(Parser *p, Policy *pol)
{
    bool ok = true;
    if (parse_accept(p, "as")) {
        pol->restrictive = parse_accept(p, "restrictive");
        if (!pol->restrictive && !parse_expect(p, "permissive"))
            return false;
    }
    if (parse_accept(p, "for")) {
        pol->cmd_tok = parse_cur(p);
        pol->cmd = policy_cmd(p, &ok);
    }
    if (ok && parse_accept(p, "to"))
        ok = parse_ident_list(p, &pol->roles, "a role name");
    if (ok && tok_is(parse_cur(p), "using")) {
        pol->using_tok = parse_next(p);
        ok = parse_parens(p, &pol->using_, "'(' and the using expression");
    }
    if (ok && tok_is(parse_cur(p), "with")) {
        pol->check_tok = parse_next(p);
        ok = parse_expect(p, "check") &&
             parse_parens(p, &pol->check, "'(' and the check expression");
    }
    return ok;
}

/* policy = "policy" name [renamed] policy-clauses ["comment" string] ";" */
static bool parse_policy(Parser *p, Vec *items)
{
    Policy *pol = arena_alloc(p->arena, sizeof *pol);
    pol->tok = parse_next(p);
    const Token *n = parse_cur(p);
    if (n->kind == TK_STRING) {   /* a name all the same: cut as one */
        pol->name.tok = parse_next(p);
        const char *full = tok_string(p->arena, n);
        pol->name.name = naming_truncate(p->arena, full);
        if (pol->name.name != full)
            parse_warn_truncated(p, n, full, pol->name.name);
    } else if (!parse_ident(p, &pol->name, "a policy name")) {
        return false;
    }
    if (!parse_renamed(p, &pol->renamed_from, true) ||
        !parse_policy_clauses(p, pol) ||
        !parse_trailing_comment(p, &pol->comment, &pol->comment_tok))
        return false;
    Item *it = parse_new_item(p, ITEM_POLICY, pol->tok);
    it->u.policy = pol;
    vec_push(p->arena, items, it);
    return parse_expect_punct(p, ';', "the policy");
}

static const char *const trigger_event_stops[] = {"for", "when", "execute",
                                                  NULL};

/*
 * trigger = "trigger" ident ("before"|"after"|"instead" "of") events
 *           ["for" ["each"] ("row"|"statement")] ["when" "(" expr ")"]
 *           "execute" ("function"|"procedure") qname "(" [args] ")"
 *           ["comment" string] ";"
 */
static bool parse_trigger_head(Parser *p, Trigger *tg)
{
    if (parse_accept(p, "before"))
        tg->timing = "BEFORE";
    else if (parse_accept(p, "after"))
        tg->timing = "AFTER";
    else if (parse_accept(p, "instead")) {
        if (!parse_expect(p, "of"))
            return false;
        tg->timing = "INSTEAD OF";
    } else {
        parse_error_expected(p, "before, after or instead of");
        return false;
    }
    if (!parse_until(p, trigger_event_stops, &tg->events, "trigger events"))
        return false;
    if (parse_accept(p, "for")) {
        parse_accept(p, "each");
        tg->for_each_row = parse_accept(p, "row");
        if (!tg->for_each_row && !parse_expect(p, "statement"))
            return false;
    }
    if (parse_accept(p, "when") &&
        !parse_parens(p, &tg->when, "'(' and the condition"))
        return false;
    return true;
}

static bool parse_trigger(Parser *p, Vec *items)
{
    Trigger *tg = arena_alloc(p->arena, sizeof *tg);
    tg->tok = parse_next(p);
    if (!parse_ident(p, &tg->name, "a trigger name") ||
        !parse_trigger_head(p, tg) || !parse_expect(p, "execute"))
        return false;
    if (!parse_accept(p, "procedure") && !parse_expect(p, "function"))
        return false;
    if (!parse_qname(p, &tg->func, "a function name"))
        return false;
    if (tok_punct(parse_cur(p), '(') && tok_punct(parse_peek(p, 1), ')')) {
        tg->args = parse_frag(p, p->pos + 1, p->pos + 1);
        p->pos += 2;
    } else if (!parse_parens(p, &tg->args, "'(' and the arguments")) {
        return false;
    }
    if (!parse_trailing_comment(p, &tg->comment, &tg->comment_tok))
        return false;
    Item *it = parse_new_item(p, ITEM_TRIGGER, tg->tok);
    it->u.trigger = tg;
    vec_push(p->arena, items, it);
    return parse_expect_punct(p, ';', "the trigger");
}

/* rls = "row" "level" "security" ["forced"] ";" */
static bool parse_rls(Parser *p, Vec *items)
{
    Item *it = parse_new_item(p, ITEM_RLS, parse_next(p));
    if (!parse_expect(p, "level") || !parse_expect(p, "security"))
        return false;
    it->u.forced = parse_accept(p, "forced");
    vec_push(p->arena, items, it);
    return parse_expect_punct(p, ';', "row level security");
}

/* partition-by = "partition" "by" text ";"
 * partition = "partition" qname ("for" "values" text | "default") ";" */
static bool parse_partition(Parser *p, Vec *items)
{
    const Token *tok = parse_next(p);
    if (parse_accept(p, "by")) {
        Item *it = parse_new_item(p, ITEM_PARTITION_BY, tok);
        if (!parse_until(p, NULL, &it->u.partition_by,
                         "range, list or hash and the key"))
            return false;
        vec_push(p->arena, items, it);
        return parse_expect_punct(p, ';', "the partition key");
    }
    Partition *part = arena_alloc(p->arena, sizeof *part);
    part->tok = tok;
    if (!parse_qname(p, &part->name, "a partition name") ||
        !parse_until(p, NULL, &part->bound, "for values ... or default"))
        return false;
    Item *it = parse_new_item(p, ITEM_PARTITION, tok);
    it->u.partition = part;
    vec_push(p->arena, items, it);
    return parse_expect_punct(p, ';', "the partition bound");
}

/* use = "use" ident "(" [arg ("," arg)*] ")" ";" */
static bool parse_use(Parser *p, Vec *items)
{
    Use *u = arena_alloc(p->arena, sizeof *u);
    u->tok = parse_next(p);
    if (!parse_ident(p, &u->name, "a template name"))
        return false;
    Frag all;
    int open = p->pos;
    if (tok_punct(parse_cur(p), '(') && tok_punct(parse_peek(p, 1), ')'))
        p->pos += 2;
    else if (!parse_parens(p, &all, "'(' and the template arguments"))
        return false;
    else
        parse_split_commas(p, open + 1, p->pos - 1, &u->args);
    u->end = parse_peek(p, -1);
    Item *it = parse_new_item(p, ITEM_USE, u->tok);
    it->u.use = u;
    vec_push(p->arena, items, it);
    return parse_expect_punct(p, ';', "the template use");
}

static bool is_privilege(const Token *t)
{
    static const char *const privs[] = {"select", "insert", "update",
        "delete", "truncate", "references", "trigger", "all", "usage",
        "execute", "create", "grant", NULL};
    for (int i = 0; privs[i]; i++)
        if (tok_is(t, privs[i]))
            return true;
    return false;
}

/* Words that may follow a policy's name. */
static bool policy_clause(const Token *t)
{
    return tok_is(t, "as") || tok_is(t, "for") || tok_is(t, "to") ||
           tok_is(t, "using") || tok_is(t, "with") || tok_is(t, "renamed");
}

/* Does the item keyword at the cursor start that item, not a column? */
static bool starts_item(Parser *p)
{
    const Token *t = parse_cur(p), *n = parse_peek(p, 1);
    if (tok_is(t, "constraint") || parse_starts_generated_item(p))
        return true;
    if (tok_is(t, "exclude"))
        return tok_is(n, "using") || tok_punct(n, '(');
    if (tok_is(t, "primary") || tok_is(t, "foreign"))
        return tok_is(n, "key");
    if (tok_is(t, "unique"))
        return tok_punct(n, '(') || tok_is(n, "index") || tok_is(n, "nulls");
    if (tok_is(t, "check"))
        return tok_punct(n, '(');
    if (tok_is(t, "index"))
        return tok_punct(n, '(') || tok_is(n, "using") ||
               tok_punct(parse_peek(p, 2), '(') ||
               tok_is(parse_peek(p, 2), "using") ||
               tok_is(parse_peek(p, 2), "renamed");
    if (tok_is(t, "policy"))
        return n->kind == TK_QIDENT || n->kind == TK_STRING ||
               (n->kind == TK_IDENT && policy_clause(parse_peek(p, 2)));
    if (tok_is(t, "trigger"))
        return tok_is(parse_peek(p, 2), "before") ||
               tok_is(parse_peek(p, 2), "after") ||
               tok_is(parse_peek(p, 2), "instead");
    if (tok_is(t, "row"))
        return tok_is(n, "level");
    if (tok_is(t, "replica"))
        return tok_is(n, "identity");
    if (tok_is(t, "partition")) {
        int after = tok_punct(parse_peek(p, 2), '.') ? 4 : 2;
        return tok_is(n, "by") || tok_is(parse_peek(p, after), "for") ||
               tok_is(parse_peek(p, after), "default");
    }
    if (tok_is(t, "use"))
        return tok_punct(parse_peek(p, 2), '(');
    if (tok_is(t, "comment"))
        return n->kind == TK_STRING || n->kind == TK_DOLLAR;
    if (tok_is(t, "allow"))
        return n->kind == TK_IDENT && parse_peek(p, 2)->kind == TK_STRING;
    if (tok_is(t, "grant") || tok_is(t, "revoke")) {
        const Token *after = parse_peek(p, 2);
        return is_privilege(n) ||
               (n->kind == TK_IDENT && (tok_punct(after, ',') ||
                tok_is(after, "to") || tok_is(after, "from")));
    }
    return false;
}

/* table-item = column | table-constraint | index | rls | policy | grant
 *            | revoke | comment | trigger | partition | use */
bool parse_table_item(Parser *p, Vec *items)
{
    const Token *t = parse_cur(p);
    if (!starts_item(p))
        return parse_column(p, items);
    if (tok_is(t, "index") || tok_is(t, "unique"))
        return tok_is(t, "index") || tok_is(parse_peek(p, 1), "index")
                   ? parse_index(p, items)
                   : parse_table_constraint(p, items);
    if (tok_is(t, "policy"))
        return parse_policy(p, items);
    if (tok_is(t, "trigger"))
        return parse_trigger(p, items);
    if (tok_is(t, "row"))
        return parse_rls(p, items);
    if (tok_is(t, "replica"))
        return parse_replica(p, items);
    if (tok_is(t, "partition"))
        return parse_partition(p, items);
    if (tok_is(t, "use"))
        return parse_use(p, items);
    if (tok_is(t, "allow"))
        return parse_allow(p, items);
    if (tok_is(t, "comment") || tok_is(t, "grant") || tok_is(t, "revoke"))
        return parse_common_item(p, items);
    if (parse_starts_generated_item(p))
        return parse_generated_item(p, items);
    return parse_table_constraint(p, items);
}
