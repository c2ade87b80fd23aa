/*
 * parse.h — the parser's cursor and the functions its files share, for
 * the parse_*.c files only.  What the rest of the compiler calls is in
 * schemac.h (parse_file and its kin).  Sections are named after the file
 * that owns them.
 */
#ifndef PARSE_H
#define PARSE_H

#include "schemac.h"

/* ---------------------------------------------------------------- parse.c */

typedef struct Parser {
    Arena *arena;
    const TokenList *tl;
    int pos;
    Diag *diag;
    Vec *frags;     /* if set, every fragment taken is recorded here (fmt) */
} Parser;

const Token *parse_cur(Parser *p);
const Token *parse_peek(Parser *p, int ahead);
const Token *parse_next(Parser *p);            /* returns the consumed one */
bool parse_accept(Parser *p, const char *word);  /* keyword, consumed if so */
bool parse_accept_punct(Parser *p, char c);
/* Reports "expected WHAT, found 'TOKEN'" at the current token. */
void parse_error_expected(Parser *p, const char *what);
bool parse_expect(Parser *p, const char *word);
bool parse_expect_punct(Parser *p, char c, const char *after);
/* Skips to the end of the current item: past `;`, or up to `}`. */
void parse_recover(Parser *p);
bool parse_ident(Parser *p, Ident *out, const char *what);
/* The same, whole: a name that names no database object (a test's). */
bool parse_ident_whole(Parser *p, Ident *out, const char *what);
/* Warns that PostgreSQL cuts full, written at t, to kept. */
void parse_warn_truncated(Parser *p, const Token *t, const char *full,
                          const char *kept);
bool parse_qname(Parser *p, QName *out, const char *what);
/* Ident* list separated by commas. */
bool parse_ident_list(Parser *p, Vec *out, const char *what);
/* The text inside balanced parentheses at the cursor; cursor moves past. */
bool parse_parens(Parser *p, Frag *out, const char *what);
/*
 * Tokens from the cursor up to (not including) `;`, `{`, `}` or one of the
 * stop words at nesting depth 0; false if there are none (reported as
 * "expected WHAT" unless what is NULL).
 */
bool parse_until(Parser *p, const char *const *stops, Frag *out,
                 const char *what);
/* Splits a fragment at top-level commas (for `use` arguments). */
void parse_split_commas(Parser *p, int from, int to, Vec *out);
Frag parse_frag(Parser *p, int from, int to);   /* tokens [from, to) */
bool parse_string(Parser *p, const char **out, const Token **tok,
                  const char *what);
/* An item's trailing `comment '...'` before its `;`: at the cursor, it is
 * taken into *out (and *tok); none leaves them NULL.  False on a bad
 * string. */
bool parse_trailing_comment(Parser *p, const char **out, const Token **tok);
Item *parse_new_item(Parser *p, ItemKind kind, const Token *tok);

/* ---------------------------------------------------------- parse_items.c */

/* grant|revoke ... on KIND to|from ROLES ";" of default privileges. */
bool parse_default_grant(Parser *p, Grant *g);
/* Items shared by several declarations: grant, revoke, comment. */
bool parse_common_item(Parser *p, Vec *items);
bool parse_view_item(Parser *p, Vec *items, bool materialized);
bool parse_function_item(Parser *p, Vec *items);
bool parse_schema_item(Parser *p, Vec *items);
bool parse_role_item(Parser *p, Vec *items);
bool parse_index(Parser *p, Vec *items);
/* Parses `allow RULE 'reason';` (shared by the item parsers). */
bool parse_allow(Parser *p, Vec *items);

/* ---------------------------------------------------------- parse_table.c */

bool parse_table_item(Parser *p, Vec *items);

/* -------------------------------------------------- parse_default_privs.c */

/* A top-level `default privileges [for role R] grant|revoke ...;` into
 * prog->default_privs (kw: `default`). */
bool parse_default_privs(Parser *p, Program *prog, const Token *kw);

/* ------------------------------------------------------ parse_generated.c */

/* audit, transitions, retain, partitions. */
bool parse_starts_generated_item(Parser *p);
bool parse_generated_item(Parser *p, Vec *items);

/* --------------------------------------------------------- parse_bucket.c */

bool parse_bucket_item(Parser *p, Vec *items);

/* ----------------------------------------------------------- parse_test.c */

/* One step of a test's body. */
bool parse_test_step(Parser *p, Vec *steps);

/* -------------------------------------------------------- parse_renamed.c */

/* renamed = "renamed" "from" name: nothing (true) when the cursor is not
 * at "renamed"; a policy's or enum label's old name may be a string. */
bool parse_renamed(Parser *p, Ident *out, bool string_ok);

/* --------------------------------------------------------- parse_ignore.c */

/* `ignore KIND PATTERN;` after its keyword, into prog->ignores; false on
 * a syntax error (reported). */
bool parse_ignore(Parser *p, Program *prog, const Token *kw);

/* ---------------------------------------------------- parse_publication.c */

/* A publication's name and `for all tables`, one item of its body; the
 * table item `replica identity ...;`. */
bool parse_publication_head(Parser *p, Decl *d);
bool parse_publication_item(Parser *p, Vec *items);
bool parse_replica(Parser *p, Vec *items);

/* ------------------------------------------------------- parse_sequence.c */

/* A sequence after its keyword, up to its body. */
bool parse_sequence_head(Parser *p, Decl *d);
bool parse_sequence_item(Parser *p, Vec *items);

/* ----------------------------------------------------------- parse_rows.c */

/* rows T (cols) [exact] { (v, ...); ... } after "rows". */
bool parse_rows_decl(Parser *p, Decl *d);

#endif
