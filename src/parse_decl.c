/*
 * parse_decl.c — top-level declarations.  Every declaration has one shape:
 * KIND NAME [HEADER] { ITEM; ... }  or  KIND NAME [HEADER];
 */
#include "parse.h"

#include <string.h>

static const char *const decl_words[] = {
    "platform", "extension", "role", "schema", "enum", "domain", "type",
    "table", "view", "materialized", "function", "template", "audit",
    "bucket", "test", "ignore", "publication", "procedure", "sequence",
    "rows", NULL,
};

static Decl *new_decl(Parser *p, DeclKind kind, const Token *tok)
{
    Decl *d = arena_alloc(p->arena, sizeof *d);
    d->kind = kind;
    d->tok = tok;
    return d;
}

typedef bool (*ItemParser)(Parser *p, Vec *items);

/* `table NAME {` or `table NAME renamed ...`, not a publication's item
 * `table NAME [(cols)] [where (...)];` */
static bool table_declaration(const Token *t)
{
    const Token *n = t + 1;
    if (n->kind == TK_EOF)
        return true;
    if (tok_punct(n + 1, '.') && (n + 2)->kind != TK_EOF)
        n += 2;
    return tok_punct(n + 1, '{') || tok_is(n + 1, "renamed");
}

/* A declaration's keyword at the start of a line: inside a body, the
 * sign of a `}` forgotten before it (items are indented). */
static bool starts_declaration(const Token *t)
{
    if (t->kind != TK_IDENT)
        return false;
    int line, col;
    const Source *file;
    size_t off;
    source_locate(t->src, t->off, &file, &off, &line, &col);
    if (col != 1 || t->src->spans)
        return false;
    if (tok_is(t, "audit"))   /* `audit;` is also a table item */
        return tok_is(t + 1, "into");
    if (tok_is(t, "table"))
        return table_declaration(t);
    if (tok_is(t, "rows"))    /* `rows N;` is also a function attribute */
        return (t + 1)->kind == TK_IDENT || (t + 1)->kind == TK_QIDENT;
    for (int i = 0; decl_words[i]; i++)
        if (tok_is(t, decl_words[i]))
            return true;
    return false;
}

/* Where the unclosed body began, after the error that found it open. */
static void note_open(Parser *p, const Token *open)
{
    diag_at(p->diag, DIAG_NOTE, open->src, open->off, open->len,
            "to match this '{'");
}

/* body = "{" item* "}" ; each item recovers on its own.  Items go to
 * d->items, or d->steps for a test.  A body left open ends at the next
 * declaration that starts a line, so that one missing `}` is one error. */
static bool parse_body(Parser *p, Decl *d, ItemParser item)
{
    Vec *into = d->kind == DECL_TEST ? &d->steps : &d->items;
    const Token *open = parse_cur(p);
    if (!parse_expect_punct(p, '{', NULL))
        return false;
    while (!tok_punct(parse_cur(p), '}')) {
        if (parse_cur(p)->kind == TK_EOF) {
            parse_error_expected(p, "'}'");
            note_open(p, open);
            return false;
        }
        if (starts_declaration(parse_cur(p))) {
            parse_error_expected(p, "'}' before the next declaration");
            note_open(p, open);
            return false;
        }
        if (!item(p, into))
            parse_recover(p);
        if (diag_too_many(p->diag)) {
            diag_stop(p->diag);
            return false;
        }
    }
    d->end = parse_next(p);
    return true;
}

/* A declaration with no header ends in ';' or has a body. */
static bool parse_end(Parser *p, Decl *d, ItemParser item)
{
    if (tok_punct(parse_cur(p), ';')) {
        d->end = parse_next(p);
        return true;
    }
    if (!item || !tok_punct(parse_cur(p), '{')) {
        parse_error_expected(p, item ? "'{' or ';'" : "';'");
        return false;
    }
    return parse_body(p, d, item);
}

/* comment-only bodies: enum, domain, type, extension */
static bool comment_item(Parser *p, Vec *items)
{
    if (tok_is(parse_cur(p), "comment"))
        return parse_common_item(p, items);
    parse_error_expected(p, "'comment'");
    return false;
}

/* platform = "platform" ident ";" */
static bool parse_platform(Parser *p, Decl *d)
{
    Ident id;
    if (!parse_ident(p, &id, "a platform name"))
        return false;
    d->name = (QName){id.tok, id.tok->len, NULL, id.name};
    return parse_end(p, d, NULL);
}

/* extension = "extension" ident ["schema" ident] ";" */
static bool parse_extension(Parser *p, Decl *d)
{
    Ident id;
    if (!parse_ident(p, &id, "an extension name"))
        return false;
    d->name = (QName){id.tok, id.tok->len, NULL, id.name};
    if (parse_accept(p, "schema") &&
        !parse_ident(p, &d->ext_schema, "a schema name"))
        return false;
    return parse_end(p, d, comment_item);
}

/* role = "role" ident ["login"] (";" | "{" role-item* "}") */
static bool parse_role(Parser *p, Decl *d)
{
    Ident id;
    if (!parse_ident(p, &id, "a role name"))
        return false;
    d->name = (QName){id.tok, id.tok->len, NULL, id.name};
    d->login = parse_accept(p, "login");
    return parse_end(p, d, parse_role_item);
}

/* schema = "schema" ident (";" | "{" schema-item* "}") */
static bool parse_schema(Parser *p, Decl *d)
{
    Ident id;
    if (!parse_ident(p, &id, "a schema name"))
        return false;
    d->name = (QName){id.tok, id.tok->len, NULL, id.name};
    return parse_end(p, d, parse_schema_item);
}

/* enum = "enum" qname "(" label ("," label)* ")" (";" | body)
 * label = string ["renamed" "from" string] */
static bool parse_enum(Parser *p, Decl *d)
{
    if (!parse_qname(p, &d->name, "an enum name") ||
        !parse_expect_punct(p, '(', "the enum name"))
        return false;
    do {
        Ident *label = arena_alloc(p->arena, sizeof *label);
        Ident *from = arena_alloc(p->arena, sizeof *from);
        if (!parse_string(p, &label->name, &label->tok, "a quoted label"))
            return false;
        if (tok_is(parse_cur(p), "renamed") &&
            (!parse_expect(p, "renamed") || !parse_expect(p, "from") ||
             !parse_string(p, &from->name, &from->tok, "the old label, quoted")))
            return false;
        vec_push(p->arena, &d->enum_labels, label);
        vec_push(p->arena, &d->enum_renamed, from);
    } while (parse_accept_punct(p, ','));
    if (!parse_expect_punct(p, ')', "the enum labels"))
        return false;
    return parse_end(p, d, comment_item);
}

/* domain = "domain" qname TYPE [constraints] (";" | body) */
static bool parse_domain(Parser *p, Decl *d)
{
    if (!parse_qname(p, &d->name, "a domain name") ||
        !parse_until(p, NULL, &d->header, "the domain's type"))
        return false;
    return parse_end(p, d, comment_item);
}

/* type = "type" qname "as" "(" fields ")" (";" | body) */
static bool parse_type(Parser *p, Decl *d)
{
    if (!parse_qname(p, &d->name, "a type name") ||
        !parse_expect(p, "as") ||
        !parse_parens(p, &d->header, "'(' and the type's fields"))
        return false;
    return parse_end(p, d, comment_item);
}

/* table = "table" qname [renamed] "{" table-item* "}"
 * audit-log = "audit" "into" qname ("{" table-item* "}" | ";") */
static bool parse_table(Parser *p, Decl *d)
{
    d->audit_log = tok_is(d->tok, "audit");
    if (d->audit_log && !parse_expect(p, "into"))
        return false;
    if (!parse_qname(p, &d->name, "a table name"))
        return false;
    if (!d->audit_log && !parse_renamed(p, &d->renamed_from, false))
        return false;
    if (d->audit_log)
        return parse_end(p, d, parse_table_item);
    return parse_body(p, d, parse_table_item);
}

/* bucket = "bucket" name "{" bucket-item* "}"; the name is the bucket's
 * id, so a quoted name keeps dashes: bucket "equipment-media" { ... } */
static bool parse_bucket(Parser *p, Decl *d)
{
    Ident id;
    if (!parse_ident(p, &id, "a bucket name"))
        return false;
    d->name = (QName){id.tok, id.tok->len, NULL, id.name};
    return parse_body(p, d, parse_bucket_item);
}

/* test = "test" ident "{" step* "}" */
static bool parse_test(Parser *p, Decl *d)
{
    Ident id;
    if (!parse_ident_whole(p, &id, "a test name in double quotes"))
        return false;
    d->name = (QName){id.tok, id.tok->len, NULL, id.name};
    return parse_body(p, d, parse_test_step);
}

static bool view_item(Parser *p, Vec *items)
{
    return parse_view_item(p, items, false);
}

static bool matview_item(Parser *p, Vec *items)
{
    return parse_view_item(p, items, true);
}

/* view = ["materialized"] "view" qname [renamed] "{" view-item* "}" */
static bool parse_view(Parser *p, Decl *d)
{
    if (d->kind == DECL_MATVIEW && !parse_expect(p, "view"))
        return false;
    if (!parse_qname(p, &d->name, "a view name") ||
        !parse_renamed(p, &d->renamed_from, false))
        return false;
    return parse_body(p, d, d->kind == DECL_MATVIEW ? matview_item
                                                     : view_item);
}

/* function = "function" qname "(" args ")" [renamed] "returns" TYPE body
 * procedure = "procedure" qname "(" args ")" [renamed] body */
static bool parse_function(Parser *p, Decl *d)
{
    bool procedure = ast_is_procedure(d);
    if (!parse_qname(p, &d->name, procedure ? "a procedure name"
                                            : "a function name"))
        return false;
    if (tok_punct(parse_cur(p), '(') &&
        tok_punct(parse_peek(p, 1), ')')) {
        d->header = parse_frag(p, p->pos + 1, p->pos + 1);
        p->pos += 2;
    } else if (!parse_parens(p, &d->header, "'(' and the arguments")) {
        return false;
    }
    if (!parse_renamed(p, &d->renamed_from, false))
        return false;
    if (procedure)
        return parse_body(p, d, parse_function_item);
    if (!parse_expect(p, "returns") ||
        !parse_until(p, NULL, &d->returns, "the return type"))
        return false;
    return parse_body(p, d, parse_function_item);
}

/* template = "template" ident "(" [ident ("," ident)*] ")" "{" text "}" */
static bool parse_template(Parser *p, Decl *d)
{
    Ident id;
    if (!parse_ident(p, &id, "a template name") ||
        !parse_expect_punct(p, '(', "the template name"))
        return false;
    d->name = (QName){id.tok, id.tok->len, NULL, id.name};
    if (!tok_punct(parse_cur(p), ')') &&
        !parse_ident_list(p, &d->params, "a parameter name"))
        return false;
    if (!parse_expect_punct(p, ')', "the parameters") ||
        !parse_expect_punct(p, '{', NULL))
        return false;
    int start = p->pos, depth = 0;
    for (;; p->pos++) {
        const Token *t = parse_cur(p);
        if (t->kind == TK_EOF) {
            parse_error_expected(p, "'}' to end the template");
            return false;
        }
        if (tok_punct(t, '}') && depth-- == 0)
            break;
        depth += tok_punct(t, '{');
    }
    d->template_body = parse_frag(p, start, p->pos);
    d->end = parse_next(p);
    return true;
}

static DeclKind decl_kind_of(const Token *t, bool *ok)
{
    static const struct { const char *word; DeclKind kind; } kinds[] = {
        {"platform", DECL_PLATFORM}, {"extension", DECL_EXTENSION},
        {"role", DECL_ROLE}, {"schema", DECL_SCHEMA}, {"enum", DECL_ENUM},
        {"domain", DECL_DOMAIN}, {"type", DECL_TYPE}, {"table", DECL_TABLE},
        {"audit", DECL_TABLE}, {"bucket", DECL_BUCKET},
        {"view", DECL_VIEW}, {"materialized", DECL_MATVIEW},
        {"function", DECL_FUNCTION}, {"template", DECL_TEMPLATE},
        {"test", DECL_TEST}, {"publication", DECL_PUBLICATION},
        {"procedure", DECL_FUNCTION}, {"sequence", DECL_SEQUENCE},
        {"rows", DECL_ROWS},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (tok_is(t, kinds[i].word)) {
            *ok = true;
            return kinds[i].kind;
        }
    *ok = false;
    return DECL_TABLE;
}

static bool parse_decl_body(Parser *p, Decl *d)
{
    switch (d->kind) {
    case DECL_PLATFORM: return parse_platform(p, d);
    case DECL_EXTENSION: return parse_extension(p, d);
    case DECL_ROLE: return parse_role(p, d);
    case DECL_SCHEMA: return parse_schema(p, d);
    case DECL_ENUM: return parse_enum(p, d);
    case DECL_DOMAIN: return parse_domain(p, d);
    case DECL_TYPE: return parse_type(p, d);
    case DECL_TABLE: return parse_table(p, d);
    case DECL_VIEW: return parse_view(p, d);
    case DECL_MATVIEW: return parse_view(p, d);
    case DECL_FUNCTION: return parse_function(p, d);
    case DECL_TEMPLATE: return parse_template(p, d);
    case DECL_BUCKET: return parse_bucket(p, d);
    case DECL_TEST: return parse_test(p, d);
    case DECL_PUBLICATION:
        return parse_publication_head(p, d) &&
               parse_end(p, d, parse_publication_item);
    case DECL_SEQUENCE:
        return parse_sequence_head(p, d) &&
               parse_end(p, d, parse_sequence_item);
    case DECL_ROWS: return parse_rows_decl(p, d);
    }
    return false;
}

static void unknown_decl(Parser *p)
{
    const Token *t = parse_cur(p);
    const char *hint = NULL;
    if (t->kind == TK_IDENT)
        hint = parse_suggest(tok_ident(p->arena, t), decl_words);
    if (hint)
        diag_at(p->diag, DIAG_ERROR, t->src, t->off, t->len,
                "unknown declaration '%.*s'; did you mean '%s'?",
                (int)t->len, tok_text(t), hint);
    else
        parse_error_expected(p, "a declaration (table, view, function, "
                                "enum, schema, role, extension, ...)");
}

/* After a declaration that failed: on to the next one that starts a line,
 * so that what is left of the broken one (its body, after an unclosed
 * `(` swallowed its `{`) is not read as declarations of its own. */
static void skip_to_declaration(Parser *p)
{
    while (parse_cur(p)->kind != TK_EOF && !starts_declaration(parse_cur(p)))
        p->pos++;
}

/* program = decl* */
void parse_file(Arena *a, Program *prog, const TokenList *tl, Diag *d)
{
    parse_file_frags(a, prog, tl, d, NULL);
}

void parse_file_frags(Arena *a, Program *prog, const TokenList *tl, Diag *d,
                      Vec *frags)
{
    Parser p = {a, tl, 0, d, frags};
    while (parse_cur(&p)->kind != TK_EOF) {
        if (diag_too_many(d)) {
            diag_stop(d);
            return;
        }
        const Token *t = parse_cur(&p);
        if (tok_is(t, "ignore")) {
            if (!parse_ignore(&p, prog, parse_next(&p)))
                parse_recover(&p);
            continue;
        }
        if (tok_is(t, "default") && tok_is(parse_peek(&p, 1), "privileges")) {
            if (!parse_default_privs(&p, prog, parse_next(&p)))
                parse_recover(&p);
            continue;
        }
        bool known;
        DeclKind kind = decl_kind_of(t, &known);
        if (!known) {
            unknown_decl(&p);
            /* a stray ; or } is skipped alone, not with what follows it */
            if (!tok_punct(parse_next(&p), ';') && !tok_punct(t, '}'))
                parse_recover(&p);
            continue;
        }
        Decl *decl = new_decl(&p, kind, parse_next(&p));
        if (parse_decl_body(&p, decl))
            vec_push(a, &prog->decls, decl);
        else
            skip_to_declaration(&p);
    }
}

void parse_table_items(Arena *a, const TokenList *tl, Vec *out, Diag *d)
{
    Parser p = {a, tl, 0, d, NULL};
    while (parse_cur(&p)->kind != TK_EOF && !diag_too_many(d)) {
        if (tok_punct(parse_cur(&p), '}')) {
            parse_error_expected(&p, "a table item");
            parse_next(&p);
            continue;
        }
        if (!parse_table_item(&p, out))
            parse_recover(&p);
    }
}
