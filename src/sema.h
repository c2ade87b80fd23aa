/*
 * sema.h — the checker's state and the functions its passes share, for
 * the sema_*.c files only.  What the rest of the compiler calls is in
 * schemac.h (sema_check and a few lookups).  Sections are named after the
 * file that owns them.
 */
#ifndef SEMA_H
#define SEMA_H

#include "schemac.h"

typedef struct Sema {
    Arena *arena;
    Arena *trees;      /* parse trees of one declaration, then reset */
    Program *prog;
    Diag *diag;
    Map *relations;    /* "schema\x1fname" -> Decl*: table, view, matview */
    Map *types;        /* "schema\x1fname" -> Decl*: enum, domain, type */
    Map *functions;    /* "schema\x1fname" -> Vec* of Decl* */
    Map *templates;    /* name -> Decl*: the first declared (sema_expand.c) */
    Map *roles;        /* name -> Decl*, or the platform marker */
    Map *schemas;      /* name -> Decl*, or the implied/platform marker */
    Map *extensions;   /* name -> Decl* */
    Vec extension_list; /* Decl*: the declared extensions */
    Map *rel_names;    /* schema -> NameSet*: relation names taken */
    Map *con_names;    /* schema -> NameSet*: constraint names taken */
    const char *search_schema; /* where unqualified names resolve */
    Map *type_cache;   /* column type text -> what it parsed to */
    Map *expr_cache;   /* expression text -> its references (Vec*) */
    Decl *audit_log;   /* the `audit into` table, if declared */
    Map *buckets;      /* bucket id -> Decl* */
    Map *bucket_policies; /* policy name -> Policy*: all on storage.objects */
} Sema;

/* ----------------------------------------------------------------- sema.c */

/* Sets d->schema: as written, else public (a bucket's is storage, a
 * schema's is itself). */
void sema_decl_schema(Decl *d);

/* ---------------------------------------------------------- sema_common.c */

const char *sema_key(Sema *s, const char *schema, const char *name);
void sema_error(Sema *s, const Token *t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void sema_note(Sema *s, const Token *t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Reports names longer than PostgreSQL keeps (63 bytes). */
void sema_check_length(Sema *s, const Token *t, const char *name,
                       const char *what);
bool sema_role_known(Sema *s, const char *name);
void sema_check_roles(Sema *s, const Vec *roles);

/* ---------------------------------------------------------- sema_expand.c */

/* The first pass, before registration: templates pasted, the audit log
 * and generated items written out, so that the program's declarations
 * are all there. */
void sema_expand(Sema *s);

/* -------------------------------------------------------- sema_template.c */

/* Expands uses, then lists the table's columns (duplicates are errors). */
void sema_expand_templates(Sema *s, Decl *table);

/* -------------------------------------------------------- sema_generate.c */

/* `audit into` gets its columns and trigger function (before templates
 * are expanded); audit, transitions, retain and partitions items become
 * the triggers, functions and partitions they stand for (after). */
void sema_generate_audit_log(Sema *s);
void sema_generate_items(Sema *s, Decl *table);

/* ------------------------------------------------------- sema_grant_all.c */

/* A schema's `grant ... on all tables|functions` becomes a grant in each
 * table, view, materialized view or function the schema declares there
 * (before their items are checked). */
void sema_expand_grants_on_all(Sema *s);

/* -------------------------------------------------------- sema_platform.c */

/* d declares what the schema adds to the platform's table prev (true), or
 * is no such declaration (false: a duplicate). */
bool sema_extend_platform_table(Sema *s, Decl *d, Decl *prev);
/* Whether it may be declared on a platform's table (reported if not). */
bool sema_platform_item(Sema *s, const Decl *t, const Item *it);
/* A platform's function declared again (f->extends): grants and a
 * comment only. */
void sema_platform_function(Sema *s, Decl *f);
/* The names a platform table's policies must not take twice. */
Map *sema_platform_policies(Sema *s, const Decl *t, Map *own);

/* ------------------------------------------------------------- sema_sql.c */

/*
 * Parses prefix + fragment + suffix with libpg_query; a syntax error is
 * reported at its place in the fragment, naming what the fragment is.
 */
Json *sema_parse(Sema *s, const char *prefix, const Frag *f,
                 const char *suffix, const char *what);
/* The first statement's node of the given type, e.g. "SelectStmt". */
Json *sema_stmt(Json *tree, const char *type);
/*
 * Resolves the references in a parse tree of fragment f (parsed with
 * prefix_len bytes before it): tables, functions and types must exist;
 * found declarations are added to deps.  When table is given, unqualified
 * columns at the fragment's own level must be columns of it.
 */
void sema_resolve_refs(Sema *s, const Json *tree, const Frag *f,
                       size_t prefix_len, Decl *table, Vec *deps);
/* The same for references already collected. */
void sema_resolve_ref_list(Sema *s, const Vec *refs, const Frag *f,
                           size_t prefix_len, Decl *table, Vec *deps);
/* Resolves a TypeName node; false (reported) when unknown. */
bool sema_resolve_type(Sema *s, const Json *type_name, const Frag *f,
                       size_t prefix_len, Vec *deps);
/* The schema an unqualified TypeName finds among the declared types and
 * the extensions' (NULL: a built-in type, or written qualified). */
const char *sema_type_schema(Sema *s, const Json *type_name);
/* The same for a name already read; off is its place in f. */
void sema_resolve_type_name(Sema *s, const char *schema, const char *name,
                            const Frag *f, long off, Vec *deps);
Decl *sema_find_relation(Sema *s, const char *schema, const char *name);

/* ----------------------------------------------------------- sema_table.c */

void sema_table(Sema *s, Decl *table);
/* A policy of table t; seen holds the names taken on t. */
void sema_policy(Sema *s, Decl *t, Item *it, Map *seen);
void sema_find_keys(Sema *s, Decl *table);

/* ---------------------------------------------------------- sema_bucket.c */

void sema_bucket(Sema *s, Decl *bucket);

/* ----------------------------------------------------- sema_publication.c */

/* A publication's tables and settings; a table's replica identity (its
 * index unique, on required columns). */
void sema_publication(Sema *s, Decl *pub);
void sema_replica(Sema *s, Decl *table, Item *it);

/* -------------------------------------------------------- sema_sequence.c */

/* Options in range, the rest as PostgreSQL takes them, `owned by` a
 * declared column of a table in the same schema. */
void sema_sequence(Sema *s, Decl *seq);

/* ------------------------------------------------------------ sema_rows.c */

/* The table, its key among the columns, every value a constant its
 * column's type reads, required columns given, no key twice. */
void sema_rows(Sema *s, Decl *rows);

/* ----------------------------------------------------------- sema_names.c */

void sema_table_names(Sema *s, Decl *table);
void sema_take_given_names(Sema *s);

/* --------------------------------------------------------- sema_routine.c */

void sema_view(Sema *s, Decl *view);
void sema_function(Sema *s, Decl *fn);
void sema_grant(Sema *s, Grant *g, const char *objkind);
/*
 * A string token's value as a fragment: a dollar-quoted body is a slice of
 * its file; a quoted one is its unescaped value, mapped back to the file.
 */
Frag sema_string_frag(Sema *s, const Token *t);

/* ------------------------------------------------------------ sema_decl.c */

/* Schemas, roles, enums, domains, composite types, extensions. */
void sema_decl(Sema *s, Decl *d);

/* ----------------------------------------------------------- sema_index.c */

void sema_index(Sema *s, Decl *table, Index *ix, Vec *deps);
/* The name PostgreSQL gives an index element in index names. */
const char *sema_index_colname(Sema *s, const Json *index_elem);
/* "unknown column" at the column's own token inside f. */
void sema_column_error(Sema *s, Decl *t, const Frag *f, const char *column);
/* An index's elements when all are plain columns (Ident*); else false. */
bool sema_index_columns(Arena *a, const Index *ix, Vec *out);

/* ------------------------------------------------------------ sema_test.c */

/* Every test: unique names, roles, claims, SQLSTATEs, each statement
 * parsed and resolved. */
void sema_tests(Sema *s);

/* --------------------------------------------------- sema_default_privs.c */

/* Database-wide default privileges: roles and privileges checked. */
void sema_default_privs(Sema *s);

/* ---------------------------------------------------------- sema_ignore.c */

/* Checks the ignore patterns: a schema the program manages, no declared
 * object named exactly. */
void sema_ignores(Sema *s);

/* ---------------------------------------------------------- sema_rename.c */

/* Every `renamed from` checked (after names are chosen), and the renames
 * of chosen names that the table's renames imply. */
void sema_renames(Sema *s);

/* --------------------------------------------------------- sema_suggest.c */

/* "; did you mean \"NAME\"?" for a misspelt name, from the names declared
 * (and PostgreSQL's own types and functions), or "". */
const char *sema_hint_column(Sema *s, const Decl *table, const char *name);
const char *sema_hint_relation(Sema *s, const char *schema, const char *name);
const char *sema_hint_function(Sema *s, const char *schema,
                               const char *name);
const char *sema_hint_type(Sema *s, const char *schema, const char *name);
const char *sema_hint_role(Sema *s, const char *name);
const char *sema_hint_template(Sema *s, const char *name);

/* ---------------------------------------------------------- sema_values.c */

/* Defaults, comparisons and foreign keys whose types PostgreSQL would
 * reject at apply, index names taken twice in a schema, and the columns
 * of views and SQL functions, from the declarations alone (after every
 * table is checked and named). */
void sema_values(Sema *s);
/* A row's value v (its parse node; f parsed after prefix bytes) that
 * column c's type cannot read is an error, as a default's would be. */
void sema_check_value(Sema *s, const Decl *t, const Column *c, const Frag *f,
                      size_t prefix, const Json *v);

/* ---------------------------------------------------- sema_view_columns.c */

/* The columns a view's query, or an SQL function's SELECTs, name exist in
 * the declared tables they read. */
void sema_view_columns(Sema *s, const Decl *view);
void sema_function_columns(Sema *s, const Decl *fn);

#endif
