/*
 * parse_test.c — access tests: `test "NAME" { step; ... }`.  Syntax only;
 * sema_test.c checks what the steps mean.
 */
#include "parse.h"

/* sql = string | dollar-string (exactly one statement: sema checks) */
static bool parse_sql(Parser *p, TestStep *st)
{
    const Token *t = parse_cur(p);
    if (t->kind != TK_STRING && t->kind != TK_DOLLAR) {
        parse_error_expected(p, "an SQL statement as a string ($$...$$ or "
                                "'...')");
        return false;
    }
    st->sql = parse_next(p);
    return true;
}

/* as = "as" ident ["claims" string] */
static bool parse_as(Parser *p, TestStep *st)
{
    if (!parse_accept(p, "as"))
        return true;
    if (tok_is(parse_cur(p), "expect")) {  /* the role was left out */
        parse_error_expected(p, "a role name after 'as'");
        return false;
    }
    if (!parse_ident(p, &st->role, "a role name after 'as'"))
        return false;
    if (parse_accept(p, "claims") &&
        !parse_string(p, &st->claims_json, &st->claims,
                      "the claims as a quoted JSON object"))
        return false;
    return true;
}

/* rows = NUMBER ("rows" | "row") */
static bool parse_rows(Parser *p, TestStep *st)
{
    st->kind = STEP_EXPECT_ROWS;
    st->count = parse_next(p);
    if (parse_accept(p, "rows") || parse_accept(p, "row"))
        return true;
    parse_error_expected(p, "'rows' after the row count");
    return false;
}

/* error = "error" [string] */
static bool parse_error_step(Parser *p, TestStep *st)
{
    st->kind = STEP_EXPECT_ERROR;
    parse_next(p);
    if (parse_cur(p)->kind == TK_STRING)
        parse_string(p, &st->state, &st->sqlstate, NULL);
    return true;
}

/* expect = as "expect" (rows | error) "from" sql */
static bool parse_expect_step(Parser *p, TestStep *st)
{
    if (!parse_as(p, st) || !parse_expect(p, "expect"))
        return false;
    const Token *t = parse_cur(p);
    bool ok;
    if (t->kind == TK_NUMBER)
        ok = parse_rows(p, st);
    else if (tok_is(t, "error"))
        ok = parse_error_step(p, st);
    else {
        parse_error_expected(p, "a row count or 'error' after 'expect'");
        return false;
    }
    return ok && parse_expect(p, "from") && parse_sql(p, st);
}

/* step = ("setup" sql | expect) ";" */
bool parse_test_step(Parser *p, Vec *steps)
{
    TestStep *st = arena_alloc(p->arena, sizeof *st);
    st->tok = parse_cur(p);
    if (parse_accept(p, "setup")) {
        st->kind = STEP_SETUP;
        if (!parse_sql(p, st))
            return false;
    } else if (tok_is(st->tok, "as") || tok_is(st->tok, "expect")) {
        if (!parse_expect_step(p, st))
            return false;
    } else {
        parse_error_expected(p, "a test step ('setup', 'as' or 'expect')");
        return false;
    }
    if (!parse_expect_punct(p, ';', "the test step"))
        return false;
    vec_push(p->arena, steps, st);
    return true;
}
