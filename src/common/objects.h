/*
 * objects.h — what the compiler and the runtime must agree on, written
 * once: the kinds of objects an executable manages.  The compiler writes
 * tables that use these names (pgc/NAME.pgc); the runtime reads them.
 * Everything about a kind is one row of the X-macro list below, so adding
 * a kind is one line here and the -Wswitch errors it causes.
 */
#ifndef SCTL_OBJECTS_H
#define SCTL_OBJECTS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * X(NAME, word, parts): SCTL_K_NAME, the word that starts its facet key
 * and names it in messages, and how many name parts follow the word in a
 * key (1: name; 2: schema, name; 3: schema, table, name).
 */
#define SCTL_KIND_LIST(X)          \
    X(ROLE, "role", 1)             \
    X(SCHEMA, "schema", 1)         \
    X(EXTENSION, "extension", 1)   \
    X(TYPE, "type", 2)             \
    X(TABLE, "table", 2)           \
    X(COLUMN, "column", 3)         \
    X(CONSTRAINT, "constraint", 3) \
    X(INDEX, "index", 3)           \
    X(POLICY, "policy", 3)         \
    X(TRIGGER, "trigger", 3)       \
    X(VIEW, "view", 2)             \
    X(FUNCTION, "function", 2)     \
    X(BUCKET, "bucket", 2)         \
    X(PUBLICATION, "publication", 1) \
    X(PUBLICATION_TABLE, "published", 3) \
    X(SEQUENCE, "sequence", 2)         \
    X(ROWS, "rows", 2)

typedef enum {
#define SCTL_KIND_ENUM(name, word, parts) SCTL_K_##name,
    SCTL_KIND_LIST(SCTL_KIND_ENUM)
#undef SCTL_KIND_ENUM
} SctlKind;

/* Counted apart from the enum, so that switches stay exhaustive. */
enum {
#define SCTL_KIND_ONE(name, word, parts) +1
    SCTL_NKINDS = 0 SCTL_KIND_LIST(SCTL_KIND_ONE)
#undef SCTL_KIND_ONE
};

/* Indexed by SctlKind (objects.c). */
extern const char *const sctl_kind_words[SCTL_NKINDS];
extern const int sctl_kind_key_parts[SCTL_NKINDS];

/*
 * What a canonical statement (one of generated/NAME.sql's, carried byte
 * for byte) does for its object.  X(NAME, word).
 */
#define SCTL_ROLE_LIST(X)                                              \
    X(MAKE, "make")         /* makes the object from nothing */          \
    X(GRANT, "grant")       /* one declared grant or revoke */            \
    X(COMMENT, "comment")   /* COMMENT ON the object */                  \
    X(SWITCH, "switch")     /* a declared switch of a table: row level
                               security, replica identity */

typedef enum {
#define SCTL_ROLE_ENUM(name, word) SCTL_STMT_##name,
    SCTL_ROLE_LIST(SCTL_ROLE_ENUM)
#undef SCTL_ROLE_ENUM
} SctlStatementRole;

/*
 * Repairs whose shape is fixed: the statement is made at run time from
 * identifiers, literals and text the compiler checked, by sctl_shape_write.
 * In a template, %I is an identifier, %Q a qualified name (two arguments,
 * schema and name), %L a literal, %P privilege words (letters, spaces and
 * commas only), %R a role (PUBLIC, else an identifier) and %s text the
 * compiler checked (a column definition, a default, a type, ...; for
 * DROP_ROUTINE of an undeclared function, its oid::regprocedure as the
 * server printed it under search_path = pg_catalog).  Functions' repairs
 * say ROUTINE: the same statements then serve procedures.
 * The compiler parses every shape it can instantiate for every object
 * (shape_check.c), so a shape that does not parse fails the build.
 */
#define SCTL_SHAPE_LIST(X)                                                   \
    X(ADD_COLUMN, "ALTER TABLE %Q ADD COLUMN %s")                            \
    X(SET_DEFAULT, "ALTER TABLE %Q ALTER COLUMN %I SET DEFAULT %s")          \
    X(DROP_DEFAULT, "ALTER TABLE %Q ALTER COLUMN %I DROP DEFAULT")           \
    X(SET_NOT_NULL, "ALTER TABLE %Q ALTER COLUMN %I SET NOT NULL")           \
    X(DROP_NOT_NULL, "ALTER TABLE %Q ALTER COLUMN %I DROP NOT NULL")         \
    X(ALTER_TYPE, "ALTER TABLE %Q ALTER COLUMN %I TYPE %s")                  \
    X(DROP_COLUMN, "ALTER TABLE %Q DROP COLUMN %I")                          \
    X(ADD_CONSTRAINT, "ALTER TABLE %Q ADD %s")                               \
    X(ADD_CONSTRAINT_NOT_VALID, "ALTER TABLE %Q ADD %s NOT VALID")           \
    X(VALIDATE_CONSTRAINT, "ALTER TABLE %Q VALIDATE CONSTRAINT %I")          \
    X(DROP_CONSTRAINT, "ALTER TABLE %Q DROP CONSTRAINT %I")                  \
    X(DROP_INDEX, "DROP INDEX %Q")                                           \
    X(DROP_POLICY, "DROP POLICY %I ON %Q")                                   \
    X(DROP_TRIGGER, "DROP TRIGGER %I ON %Q")                                 \
    X(DROP_VIEW, "DROP VIEW %Q")                                             \
    X(DROP_MATVIEW, "DROP MATERIALIZED VIEW %Q")                             \
    X(BACKFILL, "UPDATE %Q SET %I = %s")                                     \
    X(BACKFILL_NULLS, "UPDATE %Q SET %I = %s WHERE %I IS NULL")              \
    X(COUNT_ROWS, "SELECT count(*) FROM %Q")                                 \
    X(COUNT_NULLS, "SELECT count(*) FROM %Q WHERE %I IS NULL")               \
    X(COUNT_CHANGED_BY_TYPE, "SELECT count(*) FROM %Q WHERE %I IS NOT NULL " \
      "AND %I IS DISTINCT FROM (%I::%s)")                                     \
    X(DROP_FUNCTION, "DROP ROUTINE %s")                                      \
    X(DROP_TABLE, "DROP TABLE %Q")                                           \
    X(DROP_SEQUENCE, "DROP SEQUENCE %Q")                                     \
    X(DROP_DOMAIN, "DROP DOMAIN %Q")                                         \
    X(DROP_ROUTINE, "DROP ROUTINE %s")                                       \
    X(ENABLE_RLS, "ALTER TABLE %Q ENABLE ROW LEVEL SECURITY")                \
    X(DISABLE_RLS, "ALTER TABLE %Q DISABLE ROW LEVEL SECURITY")              \
    X(FORCE_RLS, "ALTER TABLE %Q FORCE ROW LEVEL SECURITY")                  \
    X(NO_FORCE_RLS, "ALTER TABLE %Q NO FORCE ROW LEVEL SECURITY")            \
    X(REPLACE, "CREATE OR REPLACE %s")                                       \
    X(CREATE_INDEX_CONCURRENTLY, "CREATE INDEX CONCURRENTLY %s")             \
    X(CREATE_UNIQUE_INDEX_CONCURRENTLY, "CREATE UNIQUE INDEX CONCURRENTLY %s") \
    X(ATTACH_PARTITION, "ALTER TABLE %Q ATTACH PARTITION %Q %s")             \
    X(ADD_ENUM_VALUE, "ALTER TYPE %Q ADD VALUE %L")                          \
    X(ADD_ENUM_VALUE_AFTER, "ALTER TYPE %Q ADD VALUE %L AFTER %L")           \
    X(ADD_ENUM_VALUE_BEFORE, "ALTER TYPE %Q ADD VALUE %L BEFORE %L")         \
    X(RENAME_TYPE, "ALTER TYPE %Q RENAME TO %I")                             \
    X(DROP_TYPE, "DROP TYPE %Q")                                             \
    X(ALTER_TYPE_VIA_TEXT, "ALTER TABLE %Q ALTER COLUMN %I TYPE %s USING "   \
      "(CASE WHEN %I::text = ANY (%L::text[]) THEN %I::text END)::%s")       \
    X(COUNT_LABELS_OUTSIDE,                                                  \
      "SELECT count(*) FROM %Q WHERE %I::text <> ALL (%L::text[])")          \
    X(GRANT_ROLE, "GRANT %I TO %I")                                          \
    X(REVOKE_ROLE, "REVOKE %I FROM %I")                                      \
    X(GRANT_TABLE, "GRANT %P ON TABLE %Q TO %R")                             \
    X(GRANT_TABLE_OPTION, "GRANT %P ON TABLE %Q TO %R WITH GRANT OPTION")    \
    X(REVOKE_TABLE, "REVOKE %P ON TABLE %Q FROM %R")                         \
    X(GRANT_COLUMN, "GRANT %P (%I) ON TABLE %Q TO %R")                       \
    X(GRANT_COLUMN_OPTION,                                                   \
      "GRANT %P (%I) ON TABLE %Q TO %R WITH GRANT OPTION")                   \
    X(REVOKE_COLUMN, "REVOKE %P (%I) ON TABLE %Q FROM %R")                   \
    X(GRANT_SCHEMA, "GRANT %P ON SCHEMA %I TO %R")                           \
    X(GRANT_SCHEMA_OPTION, "GRANT %P ON SCHEMA %I TO %R WITH GRANT OPTION")  \
    X(REVOKE_SCHEMA, "REVOKE %P ON SCHEMA %I FROM %R")                       \
    X(GRANT_FUNCTION, "GRANT %P ON ROUTINE %s TO %R")                        \
    X(GRANT_FUNCTION_OPTION,                                                 \
      "GRANT %P ON ROUTINE %s TO %R WITH GRANT OPTION")                      \
    X(REVOKE_FUNCTION, "REVOKE %P ON ROUTINE %s FROM %R")                  \
    X(RENAME_TABLE, "ALTER TABLE %Q RENAME TO %I")                           \
    X(RENAME_COLUMN, "ALTER TABLE %Q RENAME COLUMN %I TO %I")                \
    X(RENAME_CONSTRAINT, "ALTER TABLE %Q RENAME CONSTRAINT %I TO %I")        \
    X(RENAME_INDEX, "ALTER INDEX %Q RENAME TO %I")                           \
    X(RENAME_POLICY, "ALTER POLICY %I ON %Q RENAME TO %I")                   \
    X(RENAME_VIEW, "ALTER VIEW %Q RENAME TO %I")                             \
    X(RENAME_MATVIEW, "ALTER MATERIALIZED VIEW %Q RENAME TO %I")             \
    X(RENAME_FUNCTION, "ALTER ROUTINE %Q%s RENAME TO %I")                    \
    X(RENAME_ENUM_VALUE, "ALTER TYPE %Q RENAME VALUE %L TO %L")            \
    X(RENAME_SEQUENCE, "ALTER SEQUENCE IF EXISTS %Q RENAME TO %I")        \
    X(GRANT_DEFAULT, "ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT %P ON %P "  \
      "TO %R")                                                               \
    X(GRANT_DEFAULT_OPTION, "ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT %P " \
      "ON %P TO %R WITH GRANT OPTION")                                       \
    X(REVOKE_DEFAULT, "ALTER DEFAULT PRIVILEGES FOR ROLE %I REVOKE ALL ON "  \
      "%P FROM %R")                                                          \
    X(GRANT_DEFAULT_IN_SCHEMA, "ALTER DEFAULT PRIVILEGES IN SCHEMA %I "      \
      "GRANT %P ON %P TO %R")                                                \
    X(GRANT_DEFAULT_IN_SCHEMA_OPTION, "ALTER DEFAULT PRIVILEGES IN SCHEMA "  \
      "%I GRANT %P ON %P TO %R WITH GRANT OPTION")                           \
    X(REVOKE_DEFAULT_IN_SCHEMA, "ALTER DEFAULT PRIVILEGES IN SCHEMA %I "     \
      "REVOKE ALL ON %P FROM %R")                                    \
    X(REPLICA_DEFAULT, "ALTER TABLE %Q REPLICA IDENTITY DEFAULT")            \
    X(SET_PUBLISH, "ALTER PUBLICATION %I SET (publish = %L)")                \
    X(DROP_PUBLICATION_TABLE, "ALTER PUBLICATION %I DROP TABLE %Q")        \
    X(ALTER_SEQUENCE, "ALTER SEQUENCE %Q %s")                                \
    X(GRANT_SEQUENCE, "GRANT %P ON SEQUENCE %Q TO %R")                       \
    X(GRANT_SEQUENCE_OPTION,                                                 \
      "GRANT %P ON SEQUENCE %Q TO %R WITH GRANT OPTION")                     \
    X(REVOKE_SEQUENCE, "REVOKE %P ON SEQUENCE %Q FROM %R")

typedef enum {
#define SCTL_SHAPE_ENUM(name, text) SCTL_SHAPE_##name,
    SCTL_SHAPE_LIST(SCTL_SHAPE_ENUM)
#undef SCTL_SHAPE_ENUM
} SctlShape;

enum {
#define SCTL_SHAPE_ONE(name, text) +1
    SCTL_NSHAPES = 0 SCTL_SHAPE_LIST(SCTL_SHAPE_ONE)
#undef SCTL_SHAPE_ONE
};

/* Indexed by SctlShape (objects.c). */
extern const char *const sctl_shape_templates[SCTL_NSHAPES];
extern const char *const sctl_shape_names[SCTL_NSHAPES];

/* ------------------------------------------- what an executable carries */

/*
 * One declared object.  Its key is what the facet reader calls it:
 * kind, schema, table (for parts of a table) and name.
 */
typedef struct SctlObject {
    SctlKind kind;
    const char *schema;
    const char *table;      /* columns, constraints, policies, triggers,
                               indexes: their table; else NULL */
    const char *name;
    const char *signature;  /* functions: "schema.name(types)", quoted, for
                               ::regprocedure and GRANT ... ON FUNCTION */
    int parent;             /* its table (a partition: the partitioned
                               table), or -1 */
    int file, line, col;    /* where it is declared (SctlSchema.files) */
    int make;               /* its MAKE statement, or -1 (parts made by
                               their table's CREATE TABLE) */
    /* Text the compiler checked, for the repairs' %s holes: */
    const char *definition; /* column: as in CREATE TABLE; table
                               constraint: as in CREATE TABLE; partition:
                               its bound; rows: the query reading them
                               (facets.c) */
    const char *default_expr;  /* column: DEFAULT's expression, or NULL */
    const char *type;       /* column: its type [COLLATE c]; sequence:
                               every option, for ALTER SEQUENCE */
    bool grants_declared;   /* its privileges are managed (any grant) */
    bool comment_declared;  /* its comment is managed */
    bool inline_in_parent;  /* made by its table's CREATE TABLE */
    bool concurrently;      /* an index built outside the transaction */
    const char *probe;      /* constraint, unique index: a query counting
                               the rows that break it, or NULL */
    const char *backfill;   /* column: the value rows that have none get
                               when it becomes required, or NULL */
    const char *nullable_definition; /* column with backfill: definition
                               without NOT NULL */
    /* Renames (`renamed from`): the object may exist under an old name. */
    const char *renamed_from;  /* table, column, constraint, index, policy,
                               view, function: its old name, or NULL */
    const char *arguments;  /* function renamed: "(types)", as its name
                               ends; with renamed_from, its old signature */
    const char *label_renames; /* enum: new and old label of each renamed
                               label, as literals joined by ',', or NULL */
    const char *sequence;   /* column whose sequence PostgreSQL named after
                               the old names: the sequence's name now */
    const char *sequence_renamed_from; /* and then */
} SctlObject;

/* The ROLE object of database-wide default privileges written without
 * `for role`: the role that applies, whose name only the server knows (no
 * role may be called current_user; the runtime keys it by its name). */
#define SCTL_APPLYING_ROLE "current_user"

/*
 * A platform's object (auth.users, storage.objects, auth.uid(), ...) on
 * which the schema declares only what it adds: triggers, policies, grants,
 * a comment, a table's row level security switch; or a role the schema
 * does not declare, named for its database-wide default privileges.  No statement makes it
 * (a table or function without MAKE; a column of such a table, named for
 * its grants, has no parent), and its parts stand alone (parent -1).  Only
 * what the schema declares on it is compared and repaired: the executable
 * never makes, drops or alters anything else of it.
 */
static inline bool sctl_platform_object(const SctlObject *o)
{
    return ((o->kind == SCTL_K_TABLE || o->kind == SCTL_K_FUNCTION ||
             o->kind == SCTL_K_ROLE) && o->make < 0) ||
           (o->kind == SCTL_K_COLUMN && o->parent < 0);
}

/* One statement of generated/NAME.sql, byte for byte (no ';'). */
typedef struct SctlStatement {
    int object;
    SctlStatementRole role;
    int file, line;         /* its `-- source:` line */
    bool continues;         /* shares the previous statement's source line */
    const char *sql;
} SctlStatement;

/* What a test step expects. */
typedef enum {
    SCTL_STEP_SETUP,      /* succeeds; else the test stops there */
    SCTL_STEP_ROWS,       /* returns or affects `rows` rows */
    SCTL_STEP_ERROR       /* fails, with `sqlstate` unless it is NULL */
} SctlStepKind;

typedef struct SctlTestStep {
    SctlStepKind kind;
    const char *role;       /* `as ROLE`: taken for the step only; or NULL */
    const char *claims;     /* request.jwt.claims with a role ("" if none) */
    bool counted;           /* sql yields one row: the count */
    long rows;
    const char *sqlstate;
    int file, line, col;    /* where the step is written */
    const char *sql;        /* the step's statement, wrapped to count */
} SctlTestStep;

typedef struct SctlTest {
    const char *name;
    int first, nsteps;      /* its steps in SctlSchema.steps */
} SctlTest;

/* One cell of the declared access matrix (docs/matrix.md). */
typedef struct SctlAccessCell {
    const char *role;       /* a role, "public" or "(owner)" */
    const char *object;     /* schema.name, schema.f(types), bucket id */
    const char *kind;       /* table, view, matview, function, bucket */
    const char *command;    /* select, insert, update, delete, execute */
    const char *access;     /* "none", "all rows", "rows: ...", ... */
    int file, line;         /* where the object is declared */
} SctlAccessCell;

/* An `ignore`: undeclared objects of a kind whose schema and name match
 * these globs ('*' is any run of characters) are left alone. */
typedef struct SctlIgnore {
    const char *word;       /* "table", "view", "materialized view",
                               "function", "type" or "sequence" */
    const char *schema, *name;
    int file, line, col;
} SctlIgnore;

/* Everything the executable knows about its schema: tables of data. */
typedef struct SctlSchema {
    const char *project;        /* e.g. "enorae" */
    const char *checksum;       /* SHA-256 of generated/NAME.sql */
    bool supabase;              /* platform supabase; declared */
    const char *const *files;   /* .schema paths, as given */
    int nfiles;
    const char *const *schemas; /* every schema it manages */
    int nschemas;
    const SctlObject *objects;
    int nobjects;
    const SctlStatement *statements; /* in dependency order */
    int nstatements;
    const SctlTest *tests;
    int ntests;
    const SctlTestStep *steps;
    int nsteps;
    const SctlAccessCell *cells;    /* the declared access matrix */
    int ncells;
    const char *const *findings;    /* the lint's warnings, one line each */
    int nfindings;
    /* Undeclared objects: the schemas searched for them (the managed
     * ones but the platform's), and what to leave alone. */
    const char *const *owned;
    int nowned;
    const SctlIgnore *ignores;
    int nignores;
} SctlSchema;

/* ---------------------------------------------------------- keywords.c */

/* PostgreSQL's keywords by category, each list sorted in byte order. */
extern const char *const sctl_keywords_unreserved[];
extern const size_t sctl_keywords_unreserved_len;
extern const char *const sctl_keywords_col_name[];
extern const size_t sctl_keywords_col_name_len;
extern const char *const sctl_keywords_type_func_name[];
extern const size_t sctl_keywords_type_func_name_len;
extern const char *const sctl_keywords_reserved[];
extern const size_t sctl_keywords_reserved_len;

/* ------------------------------------------------ ident.c and shape.c */

/* The index of name in a list sorted in byte order, or -1. */
long sctl_sorted_find(const char *const *list, size_t len, const char *name);

/* Where shared code writes text: the compiler's buffer and the runtime's
 * both fit behind put. */
typedef struct SctlOut {
    void (*put)(void *to, const char *s, size_t n);
    void *to;
} SctlOut;

/* 'U', 'C', 'T', 'R' (pg_get_keywords' categories), or 0: no keyword. */
char sctl_keyword_category(const char *word);
/* Whether quote_ident() would leave the name as it is. */
bool sctl_ident_is_bare(const char *name);
/* name as PostgreSQL's quote_ident() writes it. */
void sctl_quote_ident(SctlOut o, const char *name);
/* 'text' with ' doubled (standard_conforming_strings = on). */
void sctl_quote_literal(SctlOut o, const char *s);

/* How many arguments a shape takes. */
int sctl_shape_arity(SctlShape sh);
/*
 * Writes the shape with its arguments (exactly sctl_shape_arity of them;
 * a NULL schema in %Q leaves the name unqualified).  false, with nothing
 * written, when an argument cannot fill its hole (%P that is not
 * privilege words, a NULL identifier).
 */
bool sctl_shape_write(SctlOut o, SctlShape sh, const char *const *args);
/*
 * The GRANT, GRANT ... WITH GRANT OPTION and REVOKE shapes of objects of
 * kind k (in that order); false for a kind whose privileges are not
 * managed.
 */
bool sctl_acl_shapes(SctlKind k, SctlShape out[3]);
/* The arguments of o's ACL shapes: privilege words, o's names, grantee;
 * NULL-terminated in args. */
void sctl_acl_args(const SctlObject *o, const char *priv, const char *grantee,
                   const char *args[6]);
/* For a CREATE [UNIQUE] INDEX statement: the shape that builds it
 * concurrently, and in *rest the text that follows INDEX. */
SctlShape sctl_concurrent_index(const char *create_index, const char **rest);
/* labels.c: the next label of a list of literals joined by ',' (as
 * label_renames and the catalog reader write them) into *out
 * (malloc'd); false at the end. */
bool sctl_label_next(const char **p, char **out);
/* A CREATE statement without its "CREATE " (what REPLACE takes). */
const char *sctl_after_create(const char *create);
/* The definition "ALTER TABLE schema.table ADD DEFINITION" adds, or NULL
 * when the statement is not of that form. */
const char *sctl_added_definition(const char *alter, const char *schema,
                                  const char *table);
/* Whether a table constraint's definition ("CONSTRAINT name ...") is a
 * foreign key or a check: what can be added NOT VALID and validated. */
bool sctl_validatable(const char *definition, const char *name);
/* Whether it is a foreign key (else a check, when validatable). */
bool sctl_is_foreign_key(const char *definition, const char *name);

#endif
