/*
 * sema_test.c — what access tests mean: unique names, roles one can act
 * as, claims that are JSON objects, SQLSTATEs, and one statement per step,
 * parsed by PostgreSQL's parser and resolved like a view's query.  Also
 * decides how each statement runs, so that its rows can be counted by
 * static SQL (emit_test.c).
 */
#include "sema.h"

#include <stdlib.h>
#include <string.h>

static void check_role(Sema *s, const Ident *r)
{
    if (!r->name || map_get(s->roles, r->name))
        return;
    const char *near = sema_hint_role(s, r->name);
    if (near[0]) {
        sema_error(s, r->tok, "unknown role \"%s\"%s", r->name, near);
        return;
    }
    sema_error(s, r->tok, "unknown role \"%s\"; declare it with `role %s;`%s",
               r->name, r->name,
               s->prog->supabase ? "" : " or `platform supabase;`");
}

static void check_claims(Sema *s, const TestStep *st)
{
    if (!st->claims)
        return;
    const char *err = NULL;
    Json *j = json_parse(s->arena, st->claims_json, strlen(st->claims_json),
                         &err);
    if (!j)
        sema_error(s, st->claims, "claims are not valid JSON: %s", err);
    else if (j->kind != JSON_OBJECT)
        sema_error(s, st->claims, "claims must be a JSON object, like "
                   "'{\"sub\": \"...\"}'");
}

static void check_sqlstate(Sema *s, const TestStep *st)
{
    if (!st->sqlstate)
        return;
    bool ok = strlen(st->state) == 5;
    for (int i = 0; ok && i < 5; i++)
        ok = (st->state[i] >= '0' && st->state[i] <= '9') ||
             (st->state[i] >= 'A' && st->state[i] <= 'Z');
    if (!ok)
        sema_error(s, st->sqlstate, "an SQLSTATE is 5 characters of 0-9 and "
                   "A-Z, like '42501'; not '%s'", st->state);
}

/* Digits only: `expect 1.5 rows` or `1e3 rows` mean nothing. */
static void check_count(Sema *s, TestStep *st)
{
    if (!st->count)
        return;
    const char *text = tok_text(st->count);
    bool ok = st->count->len <= 9;
    for (size_t i = 0; ok && i < st->count->len; i++)
        ok = text[i] >= '0' && text[i] <= '9';
    if (ok)
        st->rows = strtol(text, NULL, 10);
    else
        sema_error(s, st->count, "the row count must be a whole number "
                   "below 1000000000, not '%.*s'", (int)st->count->len,
                   text);
}

/* Statements a step cannot run, and why: they would end the test's
 * transaction, or are ecpg's own, or return rows that are not counted. */
static const char *refused(Sema *s, const char *type, const Json *node)
{
    static const char *const words[][2] = {
        {"PrepareStmt", "PREPARE"}, {"ExecuteStmt", "EXECUTE"},
        {"DeallocateStmt", "DEALLOCATE"}, {"DeclareCursorStmt", "DECLARE"},
        {"FetchStmt", "FETCH"}, {"ClosePortalStmt", "CLOSE"},
        {"ExplainStmt", "EXPLAIN"}, {"VariableShowStmt", "SHOW"},
    };
    if (strcmp(type, "TransactionStmt") == 0)
        return "transaction control cannot run in a test step: each test "
               "is one transaction, rolled back at its end";
    if (strcmp(type, "SelectStmt") == 0 && json_get(node, "intoClause"))
        return "SELECT INTO cannot run in a test step; use CREATE TABLE AS";
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(type, words[i][0]) == 0)
            return arena_printf(s->arena, "%s cannot run in a test step; "
                                "use a statement whose rows can be counted",
                                words[i][1]);
    return NULL;
}

static bool is_dml(const char *type)
{
    return strcmp(type, "InsertStmt") == 0 ||
           strcmp(type, "UpdateStmt") == 0 ||
           strcmp(type, "DeleteStmt") == 0;
}

/* How the statement runs; false (reported) when it cannot. */
static bool choose_run(Sema *s, TestStep *st, const char *type,
                       const Json *node)
{
    const char *no = refused(s, type, node);
    if (no) {
        sema_error(s, st->sql, "%s", no);
        return false;
    }
    if (strcmp(type, "SelectStmt") == 0)
        st->run = STEP_RUN_QUERY;
    else if (is_dml(type))
        st->run = json_get(node, "returningList") ? STEP_RUN_RETURNING
                : st->kind == STEP_SETUP ? STEP_RUN_AS_IS : STEP_RUN_DML;
    else
        st->run = STEP_RUN_AS_IS;
    if (st->kind == STEP_EXPECT_ROWS && st->run == STEP_RUN_AS_IS) {
        sema_error(s, st->sql, "`expect N rows` needs a query (SELECT, "
                   "VALUES, WITH) or an INSERT, UPDATE or DELETE");
        return false;
    }
    return true;
}

/* Statement i of a parsed string, kept without its ';' so that it can be
 * wrapped; true (and st->stmt, st->run set) if it can run in a test. */
static bool take_statement(Sema *s, TestStep *st, const Frag *f, Json *tree,
                           int i)
{
    Json *raw = json_at(json_get(tree, "stmts"), i);
    Json *stmt = json_get(raw, "stmt");
    if (!stmt || stmt->kind != JSON_OBJECT || json_len(stmt) != 1)
        return false;
    const char *type = stmt->u.list.keys[0];
    if (!choose_run(s, st, type, stmt->u.list.items[0]))
        return false;
    long loc = json_int(json_get(raw, "stmt_location"), 0);
    long len = json_int(json_get(raw, "stmt_len"), 0);
    if (loc < 0 || (size_t)loc > f->len)
        loc = 0;
    if (len <= 0 || (size_t)(loc + len) > f->len)
        len = (long)f->len - loc;
    st->stmt = arena_strndup(s->arena, f->src->text + f->off + loc,
                             (size_t)len);
    return true;
}

/*
 * A step's SQL; a setup may hold several statements, each of which
 * becomes a step of its own (out gets them all), any other step exactly
 * one.
 */
static void check_sql(Sema *s, TestStep *st, Vec *out)
{
    Frag f = sema_string_frag(s, st->sql);
    Json *tree = sema_parse(s, "", &f, "", "test statement");
    if (!tree)
        return;
    int n = json_len(json_get(tree, "stmts"));
    if (n == 0 || (n != 1 && st->kind != STEP_SETUP)) {
        sema_error(s, st->sql, "a test step runs exactly one SQL statement; "
                   "this string holds %d", n);
        return;
    }
    bool resolve = true;
    for (int i = 0; i < n; i++) {
        TestStep *one = st;
        if (i) {
            one = arena_alloc(s->arena, sizeof *one);
            *one = *st;
        }
        if (!take_statement(s, one, &f, tree, i))
            return;
        vec_push(s->arena, out, one);
        /* a setup's other statements may make what later ones name */
        resolve = resolve && one->run != STEP_RUN_AS_IS;
    }
    if (resolve)
        sema_resolve_refs(s, tree, &f, 0, NULL, NULL);
}

static void check_test(Sema *s, Decl *t)
{
    if (t->steps.len == 0)
        sema_error(s, t->name.tok, "test \"%s\" has no steps; add `setup "
                   "$$...$$;` or `expect N rows from $$...$$;`", t->name.name);
    Vec steps = {0};
    for (int i = 0; i < t->steps.len; i++) {
        TestStep *st = t->steps.items[i];
        check_role(s, &st->role);
        check_claims(s, st);
        check_sqlstate(s, st);
        check_count(s, st);
        check_sql(s, st, &steps);
    }
    t->steps = steps;
}

void sema_tests(Sema *s)
{
    Map *seen = map_new(s->arena);
    for (int i = 0; i < s->prog->decls.len; i++) {
        Decl *t = s->prog->decls.items[i];
        if (t->kind != DECL_TEST)
            continue;
        Decl *prev = map_get(seen, t->name.name);
        if (prev) {
            sema_error(s, t->name.tok, "test \"%s\" is declared twice",
                       t->name.name);
            sema_note(s, prev->name.tok, "first declared here");
        } else {
            map_put(seen, t->name.name, t);
        }
        check_test(s, t);
        arena_reset(s->trees);
    }
}
