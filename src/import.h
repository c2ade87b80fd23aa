/*
 * import.h — shared by the files of `schemac import` (src/import*.c): the
 * catalog as read from a live database, and the writer of .schema text.
 *
 * The catalog is kept as the server's own result sets, one per kind of
 * object, each sorted by the table (or schema) it belongs to, so that the
 * writer walks them table by table.  Every value comes from the server's
 * own printing functions (format_type, pg_get_expr, pg_get_*def) read
 * under search_path = pg_catalog, so every name in them is qualified.
 */
#ifndef IMPORT_H
#define IMPORT_H

#include "schemac.h"

#include <libpq-fe.h>

/* Supabase's own schemas, left out under platform supabase (an SQL
 * list); its extensions there are the platform's, except in
 * `extensions`, where a project installs its own. */
#define IMPORT_PLATFORM_SCHEMAS                                           \
    "('auth', 'storage', 'extensions', 'graphql', 'graphql_public',"      \
    " 'realtime', '_realtime', 'supabase_functions',"                     \
    " 'supabase_migrations', 'vault', 'pgsodium', 'pgsodium_masks', 'net'," \
    " 'cron', 'pgbouncer', '_analytics', 'pgtle', '_supavisor',"          \
    " 'supabase_analytics')"

/* A trigger of the user's on a platform table (t a pg_trigger row):
 * one whose function is not the platform's own (on a live Supabase,
 * Supabase's are). */
#define IMPORT_USER_TRIGGER(t)                                            \
    " NOT EXISTS (SELECT FROM pg_proc f JOIN pg_namespace fn ON"          \
    " fn.oid = f.pronamespace WHERE f.oid = " t ".tgfoid AND"             \
    " fn.nspname IN " IMPORT_PLATFORM_SCHEMAS ")"

/* One result set and the column numbers of its fields by name. */
typedef struct ImportRows {
    PGresult *res;
    int n;
} ImportRows;

/* The kinds read, one query each (import_read.c). */
typedef enum {
    IMP_SCHEMAS, IMP_ROLES, IMP_EXTENSIONS, IMP_TYPES, IMP_TABLES,
    IMP_COLUMNS, IMP_CONSTRAINTS, IMP_INDEXES, IMP_POLICIES, IMP_TRIGGERS,
    IMP_VIEWS, IMP_FUNCTIONS, IMP_BUCKETS, IMP_UNSAYABLE, IMP_NAMES,
    IMP_SEQUENCES, IMP_PUBLICATIONS, IMP_PUBLISHED, IMP_DEFAULT_PRIVS,
    IMP_PLATFORM_TABLES, IMP_PLATFORM_COLUMNS, IMP_PLATFORM_OBJECTS,
    IMP_PLATFORM_EXTRAS,
    IMP_NKINDS
} ImportKind;

typedef struct ImportDb {
    Arena *arena;
    ImportRows rows[IMP_NKINDS];
    bool supabase;          /* platform supabase: its objects left out */
    bool standin;           /* the platform is the stand-in (import of
                               SQL files): the rest of its schemas is the
                               user's */
    const char *user;       /* the connected role, who owns everything */
    bool all_schemas;       /* no --schema: buckets are read too */
    ImportNames *names;     /* relation and constraint names, counted */
} ImportDb;

/* A field of row i by column name ("" for SQL NULL, use import_null). */
const char *import_get(const ImportRows *r, int i, const char *field);
bool import_null(const ImportRows *r, int i, const char *field);
bool import_bool(const ImportRows *r, int i, const char *field);
/* The first row of r whose field "owner" (an oid, as text, the rows sorted
 * by it numerically) is oid, and how many follow; -1 when none. */
int import_first(const ImportRows *r, const char *oid, int *count);

/* ------------------------------------------------------- import_read.c */

/* Reads the catalog of the schemas (all but the system's, the platform's
 * and schemactl's when nschemas is 0).  false and *err on failure. */
bool import_read(PGconn *conn, ImportDb *db, const char *const *schemas,
                 int nschemas, char **err);
void import_db_free(ImportDb *db);

/* -------------------------------------------------- import_platform.c */

/* On the throwaway server, right after the stand-in is installed: what it
 * made, kept in a temporary table for the reads below. */
bool import_platform_snapshot(PGconn *conn, char **err);
/* The platform's tables a project adds to; on the stand-in, with the
 * columns, schemas and functions it changed, and the objects it made in
 * the platform's schemas that the language cannot say (what, kind). */
extern const char import_sql_platform_tables[];
extern const char import_sql_platform_tables_standin[];
extern const char import_sql_platform_columns_standin[];
extern const char import_sql_platform_objects_standin[];
extern const char import_sql_platform_extras_standin[];

/* -------------------------------------------------- import_unsayable.c */

/* Objects the language cannot say yet: rows of (what, kind). */
extern const char import_sql_unsayable[];

/* ------------------------------------------------------ import_write.c */

/* One output file: DIR/NAME.schema. */
typedef struct ImportFile {
    const char *name;       /* schema name, or "project" */
    Buf text;
} ImportFile;

typedef struct ImportOut {
    Arena *arena;
    const ImportDb *db;
    Vec files;              /* ImportFile*, in the order made */
    Map *by_name;
    char *error;            /* first object the language cannot say */
    Map *roles;             /* roles named, to declare */
    Vec role_list;
    Map *serials;           /* "schema.name" of the sequences written as
                               serial columns: not declared again */
    Map *bucket_policies;   /* names of the policies on storage.objects
                               that buckets wrote */
} ImportOut;

/* The file for a schema (made on first use). */
ImportFile *import_file(ImportOut *o, const char *schema);
/* Records the first error (printf-style); later ones are dropped. */
void import_fail(ImportOut *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Every object of db as .schema text; false (o->error) when an object
 * cannot be said in the language. */
bool import_write(ImportOut *o);

/* Text helpers shared by the writers (import_text.c). */
void import_ident(Buf *b, const char *name);        /* quoted if needed */
void import_column_name(Buf *b, const char *name);  /* not an item word */
void import_qname(Buf *b, const char *schema, const char *name);
void import_literal(Buf *b, const char *s);
void import_type(Buf *b, const char *type);         /* short spellings */
/* "(x)" as is when x is one parenthesised whole, else "(" x ")". */
void import_paren(Buf *b, const char *expr);
bool import_wrapped(const char *expr);
bool import_top_level_and(const char *expr);
/* expr with each cast ARRAY[...] of one element type made to read back
 * as the same expression. */
char *import_fix_arrays(Arena *a, const char *expr);
/* A procedure's arguments without the "IN " the server prints. */
char *import_args_plain(Arena *a, const char *args);
/* A dollar-quoted string whose tag the body does not hold. */
void import_dollar(Buf *b, const char *body);
/* A role as a grant or policy names it ("" or "public": PUBLIC), noted
 * for the roles the project declares. */
void import_role(ImportOut *o, Buf *b, const char *role);
void import_note_role(ImportOut *o, const char *role);
/* The grant items of row i of R (fields acl, default_acl); what names the
 * object in a failure. */
void import_grants(ImportOut *o, Buf *b, const ImportRows *R, int i,
                   const char *what);

/* Per-kind writers (import_table.c, import_objects.c). */
void import_write_schemas(ImportOut *o);
void import_write_roles(ImportOut *o);
void import_write_extensions(ImportOut *o);
void import_write_types(ImportOut *o);
void import_write_tables(ImportOut *o);
void import_write_views(ImportOut *o);
void import_write_functions(ImportOut *o);
void import_write_buckets(ImportOut *o);
void import_write_unsayable(ImportOut *o);
void import_write_sequences(ImportOut *o);      /* import_sequences.c */
void import_write_publications(ImportOut *o);   /* import_publications.c */
void import_write_default_privs(ImportOut *o);  /* import_default_privs.c */
void import_write_platform(ImportOut *o);       /* import_platform.c */
/* Fails (naming what) unless the row's owner_name is the connected role. */
bool import_owned(ImportOut *o, const ImportRows *R, int i, const char *what);
/* "  comment '...';" when the row's comment is not NULL. */
void import_comment_item(Buf *b, const ImportRows *R, int i);
/* ` comment '...'` when row i of R has a comment: a constraint's, an
 * index's, a policy's or a trigger's, written before its `;`. */
void import_trailing_comment(Buf *b, const ImportRows *R, int i);
/* HEAD { body } or HEAD; at the end of b, a blank line before it unless
 * b is empty; body is freed. */
void import_put_block(Buf *b, const char *head, Buf *body);

#endif
