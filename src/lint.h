/*
 * lint.h — state shared by the lint_*.c files only: one file per family
 * of rules (row level security and policies, keys and indexes, functions,
 * views and exposure, column types), and lint.c, which drives them and owns the rule
 * list and `allow`.
 */
#ifndef LINT_H
#define LINT_H

#include "schemac.h"

typedef struct Lint {
    Arena *arena;
    const Program *prog;
    Diag *diag;
    Matrix matrix;        /* who may do what, under platform supabase */
    Map *objects;         /* "%p" of a Decl -> its MatrixObject */
    int tables, rls, fks, fks_indexed, policies, silenced;
} Lint;

/*
 * Warns at [off, off + len) of src, the message followed by " [RULE]",
 * unless `allow RULE` is written in d (then counted as silenced).
 * Returns whether it warned.
 */
bool lint_warn_at(Lint *l, const Decl *d, const char *rule,
                  const Source *src, size_t off, size_t len,
                  const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
/* The same at a token (len 0: the token's own length). */
bool lint_warn(Lint *l, const Decl *d, const char *rule, const Token *t,
               size_t len, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* The matrix's object of a declaration, NULL if none. */
const MatrixObject *lint_object(const Lint *l, const Decl *d);
/* The matrix's row for an object and role, NULL if none. */
const MatrixCell *lint_cell(const Lint *l, const Decl *d, const char *role,
                            MatrixCommand cmd);
/* Whether the API serves the schema: not when it says `not exposed;`
 * (PostgREST's exposed schemas, splinter's pgrst.db_schemas). */
bool lint_exposed(const Lint *l, const char *schema);
/* An API role (anon, then authenticated) that reaches the object for cmd
 * (granted, with usage on its schema, the schema exposed); NULL if
 * neither does. */
const char *lint_api_role(const Lint *l, const Decl *d, MatrixCommand cmd);
/* A fragment's text, folded to lower case. */
char *lint_lower(Arena *a, const Frag *f);

/* lint_policy.c: is a policy for PUBLIC, anon or authenticated?  Is a
 * clause `true` (absent: when it is not written)? */
bool lint_policy_for_api(const Policy *p);
bool lint_clause_true(Lint *l, const Frag *f, bool absent);

/* The families (each walks the whole program). */
void lint_tables_rls(Lint *l, const Decl *t);       /* lint_rls.c */
void lint_policies(Lint *l, const Decl *t);         /* lint_policy.c */
void lint_keys(Lint *l, const Decl *t);             /* lint_keys.c */
void lint_column_types(Lint *l, const Decl *t);     /* lint_types.c */
void lint_function(Lint *l, const Decl *f);         /* lint_function.c */
void lint_view(Lint *l, const Decl *v);             /* lint_view.c */
void lint_extension(Lint *l, const Decl *e);        /* lint_view.c */
void lint_bucket(Lint *l, const Decl *b);           /* lint_view.c */

#endif
