/*
 * schemac.h — the one internal header of the schemac compiler.
 *
 * Sections are named after the file that owns them.  Everything not listed
 * here is static to its file.  Exported names carry their module prefix.
 */
#ifndef SCHEMAC_H
#define SCHEMAC_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "objects.h"   /* shared with the runtime: kinds, shapes, quoting */

/* PostgreSQL's NAMEDATALEN - 1: the longest identifier the server keeps. */
#define PG_NAME_MAX 63

/* ---------------------------------------------------------------- arena.c */

/* One arena per compiler run: nodes are never freed one by one. */
typedef struct Arena Arena;

Arena *arena_new(void);
void arena_free(Arena *a);
/* Frees everything allocated so far; the arena stays usable. */
void arena_reset(Arena *a);
/* Zeroed memory; aborts with a message when the system is out of memory. */
void *arena_alloc(Arena *a, size_t size);
char *arena_strndup(Arena *a, const char *s, size_t len);
char *arena_strdup(Arena *a, const char *s);
char *arena_printf(Arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A growable array of pointers, allocated in an arena. */
typedef struct Vec {
    void **items;
    int len;
    int cap;
} Vec;

void vec_push(Arena *a, Vec *v, void *item);

/* A growable byte buffer on the heap (outputs can be large). */
typedef struct Buf {
    char *data;
    size_t len;
    size_t cap;
} Buf;

void buf_put(Buf *b, const char *s, size_t len);
void buf_puts(Buf *b, const char *s);
void buf_putc(Buf *b, char c);
void buf_printf(Buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void buf_free(Buf *b);

/* ------------------------------------------------------------------ map.c */

/* A string-keyed hash map; keys are copied, values are not owned. */
typedef struct Map Map;
Map *map_new(Arena *a);
void *map_get(const Map *m, const char *key);   /* NULL if absent */
void map_put(Map *m, const char *key, void *value);

/* -------------------------------------------------------- common/sha256.c */

#include "sha256.h"

/* --------------------------------------------------------------- source.c */

/*
 * A Source is one text the compiler reads: a file, or the text a template
 * expands to.  An expanded text keeps a map back to where each of its pieces
 * was written, so that diagnostics always point at a real file.
 */
typedef struct SourceSpan {
    size_t start;                 /* offset in the expanded text */
    size_t len;
    const struct Source *origin;  /* where these bytes were written */
    size_t origin_off;
    bool pinned;                  /* every byte maps to origin_off itself
                                     (code generated for one item) */
} SourceSpan;

typedef struct Source {
    const char *name;      /* path as given on the command line */
    const char *text;      /* NUL-terminated; may hold NULs (reported) */
    size_t len;
    size_t *line_starts;   /* offset of each line's first byte */
    int nlines;
    SourceSpan *spans;     /* NULL for a file read from disk */
    int nspans;
    const struct Token *expanded_at; /* the `use` that made this text */
    const char *expanded_what;    /* note at expanded_at; NULL: a template */
} Source;

/* Reads a whole file; NULL (and *err set to strerror text) on I/O failure. */
Source *source_load(Arena *a, const char *path, const char **err);
Source *source_from_text(Arena *a, const char *name, const char *text,
                         size_t len);
/*
 * Resolves an offset to the file it was written in: follows template spans
 * back to their origin.  Line and column are 1-based; the column counts
 * characters, not bytes.
 */
void source_locate(const Source *s, size_t off, const Source **file,
                   size_t *file_off, int *line, int *col);
/* True if [off, off + len) was written in one piece (not expanded from
 * several places). */
bool source_contiguous(const Source *s, size_t off, size_t len);
/* The text of the 1-based line, without its newline. */
const char *source_line(const Source *s, int line, size_t *len);

/* ----------------------------------------------------------------- diag.c */

typedef enum { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE } DiagLevel;

/* How diagnostics are written: as text on d->out, or kept and written as
 * one document at the end (diag_format.c). */
typedef enum { DIAG_TEXT, DIAG_JSON, DIAG_SARIF, DIAG_GITHUB } DiagFormat;

/* Errors accumulate here; the caller checks the count. */
typedef struct Diag {
    FILE *out;
    int errors;
    int warnings;
    int printed;    /* errors and warnings printed so far */
    int limit;      /* stop printing errors after this many (0 = 20) */
    bool werror;    /* --strict: warnings count as errors */
    bool last_shown; /* whether the last error or warning was printed */
    bool stopped;    /* "too many errors" has been said */
    bool color;      /* --color: ANSI colors on the level names */
    DiagFormat format;
    const char *rule; /* lint: the rule of the next warning, else NULL */
    struct DiagRecords *records; /* kept diagnostics, when not DIAG_TEXT */
} Diag;

void diag_init(Diag *d, FILE *out);
/*
 * Prints "file:line:col: level: message", the source line and a caret
 * underlining len bytes from off.  Notes are printed only after a printed
 * error or warning.
 */
void diag_at(Diag *d, DiagLevel level, const Source *src, size_t off,
             size_t len, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
void diag_vat(Diag *d, DiagLevel level, const Source *src, size_t off,
              size_t len, const char *fmt, va_list ap);
/* A diagnostic with no position (I/O, usage). */
void diag_plain(Diag *d, DiagLevel level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool diag_too_many(const Diag *d);
/* Says once that the compiler stops for too many errors. */
void diag_stop(Diag *d);

/* ---------------------------------------------------------- diag_format.c */

/* "text", "json", "sarif" or "github"; false if name is none of them. */
bool diag_format_named(const char *name, DiagFormat *out);
/* Keeps one diagnostic (file NULL: no position); a note goes with the
 * diagnostic kept before it. */
void diag_record(Diag *d, DiagLevel level, const char *file, int line,
                 int col, const char *message);
/* Writes what was kept as one document in d->format and frees it:
 * JSON {"diagnostics": [...]}, SARIF 2.1.0, or GitHub workflow commands. */
void diag_write_document(Diag *d, FILE *out);

/* ------------------------------------------------------------------ lex.c */

/* ORDER: lex_kind_name in lex.c follows this enum. */
typedef enum {
    TK_EOF,
    TK_IDENT,   /* unquoted identifier or keyword */
    TK_QIDENT,  /* "quoted identifier" */
    TK_STRING,  /* '...', E'...', B'...', X'...', N'...' */
    TK_DOLLAR,  /* $$...$$ or $tag$...$tag$ */
    TK_NUMBER,
    TK_PARAM,   /* $1 */
    TK_SUBST,   /* ${name}, in template bodies */
    TK_PUNCT,   /* one of ( ) [ ] { } , ; . : */
    TK_OP,      /* operator: ::  =  ->  <>  ~*  etc. */
    TK_ERROR    /* a byte sequence that is no token (already reported) */
} TokenKind;

/* A token is a slice of its source, never a copy. */
typedef struct Token {
    TokenKind kind;
    const Source *src;
    size_t off;
    size_t len;
} Token;

typedef struct TokenList {
    Token *toks;  /* ends with a TK_EOF token */
    int len;
} TokenList;

/* Lexes the whole source; lexical errors go to d, lexing always finishes. */
TokenList lex_source(Arena *a, const Source *src, Diag *d);
const char *lex_kind_name(TokenKind k);
/* The token's text as written. */
const char *tok_text(const Token *t);
bool tok_is(const Token *t, const char *word);   /* keyword, any case */
bool tok_punct(const Token *t, char c);
bool tok_op(const Token *t, const char *op);
/* Identifier value: unquoted folds ASCII to lower case, quoted unescapes;
 * cut to the 63 bytes PostgreSQL keeps, as its scanner cuts every name
 * (parse_ident warns where a name is declared or named). */
char *tok_ident(Arena *a, const Token *t);
/* The same, whole. */
char *tok_ident_full(Arena *a, const Token *t);
/* String value of a TK_STRING (standard or E'') or TK_DOLLAR token. */
char *tok_string(Arena *a, const Token *t);
/* Offset and length of a string token's content, without its quotes. */
void tok_string_body(const Token *t, size_t *off, size_t *len);

/* ------------------------------------------------------------------ ast.c */
/* (the syntax tree; built by parse.c, annotated by sema.c) */

/* A raw SQL fragment: a slice of one source, taken exactly as written. */
typedef struct Frag {
    const Source *src;
    size_t off;
    size_t len;
    const Token *first;  /* for diagnostics */
} Frag;

typedef struct QName {
    const Token *tok;      /* first token of the name */
    size_t len;            /* bytes spanned by the whole name in its source */
    const char *schema;    /* NULL when written unqualified */
    const char *name;
} QName;

typedef struct Ident {
    const Token *tok;
    const char *name;
} Ident;

typedef enum {
    DECL_PLATFORM,
    DECL_EXTENSION,
    DECL_ROLE,
    DECL_SCHEMA,
    DECL_ENUM,
    DECL_DOMAIN,
    DECL_TYPE,
    DECL_TABLE,
    DECL_VIEW,
    DECL_MATVIEW,
    DECL_FUNCTION,
    DECL_TEMPLATE,
    DECL_BUCKET,          /* Supabase storage bucket */
    DECL_TEST,            /* access test: steps, no database object */
    DECL_PUBLICATION,     /* logical replication (parse_publication.c) */
    DECL_SEQUENCE,        /* parse_sequence.c */
    DECL_ROWS             /* rows of data in a table (parse_rows.c) */
} DeclKind;

typedef enum {
    FK_NO_ACTION,
    FK_RESTRICT,
    FK_CASCADE,
    FK_SET_NULL,
    FK_SET_DEFAULT
} FkAction;

typedef enum {
    CON_NOT_NULL,
    CON_NULL,
    CON_DEFAULT,
    CON_PRIMARY_KEY,
    CON_UNIQUE,
    CON_FOREIGN_KEY,
    CON_CHECK,
    CON_EXCLUDE,
    CON_GENERATED,   /* generated always as (expr) stored */
    CON_IDENTITY,    /* generated {always|by default} as identity */
    CON_COLLATE,
    CON_BACKFILL     /* backfill expr: existing rows' value, not SQL */
} ConKind;

struct Column;
struct Decl;

typedef struct Constraint {
    ConKind kind;
    const Token *tok;          /* the keyword that starts it */
    Ident given;               /* `constraint NAME`, name NULL if absent */
    Ident renamed_from;        /* `renamed from OLD`, name NULL if absent;
                                  sema may imply one (sema_rename.c) */
    const char *name;          /* given or chosen as PostgreSQL would (sema) */
    struct Column *column;     /* owning column for a column constraint */
    Vec cols;                  /* Ident*: key columns (pk, unique, fk) */
    QName ref_table;           /* fk target */
    Vec ref_cols;              /* Ident*: fk target columns, may be empty */
    FkAction on_delete, on_update;
    bool match_full;
    bool deferrable, initially_deferred;
    bool nulls_not_distinct;
    bool no_inherit;
    bool identity_always;      /* identity: always (true) or by default */
    Frag expr;                 /* check, default, generated, collate name,
                                  exclude: everything after `exclude` */
    struct Decl *ref_decl;     /* sema: the fk target table */
    const char *only_column;   /* sema, check: its one column, or NULL */
    bool redundant;            /* sema: same key as an earlier one, which
                                  PostgreSQL keeps instead */
    Vec elems;                 /* sema, exclude: its IndexElem* */
    const char *comment;       /* a table constraint's trailing
                                  `comment '...'`, NULL if none */
    const Token *comment_tok;
} Constraint;

typedef struct Column {
    Ident name;
    Ident renamed_from;        /* `renamed from OLD`, name NULL if absent */
    Frag type;
    Vec cons;                  /* Constraint* in written order */
    const Token *comment_tok;
    const char *comment;       /* NULL if none */
    int attnum;                /* sema: 1-based position */
    bool not_null;             /* sema: not null or part of the pk */
    bool serial;               /* sema: serial types own a sequence */
    const char *sequence;      /* sema: serial or identity: its sequence */
    const char *sequence_renamed_from; /* sema_rename.c: the name
                                  PostgreSQL gave it under the old names */
} Column;

typedef struct IndexElem {
    Frag text;                 /* as written: column or (expr), opclass... */
    const char *column;        /* plain column name, NULL for expression */
    const char *colname;       /* name PostgreSQL gives it in index names */
} IndexElem;

typedef struct Index {
    const Token *tok;
    Ident given;               /* name written, NULL if absent */
    const char *name;          /* given or chosen (sema) */
    Ident renamed_from;        /* `renamed from OLD`, or implied (sema) */
    bool unique;
    bool concurrently;
    Ident method;              /* `using gin`, name NULL if absent */
    Frag elems;                /* the text inside the parentheses */
    Vec elemv;                 /* IndexElem* (sema, from the parse tree) */
    Frag include;              /* inside include (...), len 0 if absent */
    Frag where;                /* predicate, len 0 if absent */
    bool nulls_not_distinct;
    const char *comment;       /* trailing `comment '...'`, NULL if none */
    const Token *comment_tok;
} Index;

typedef enum {
    POL_ALL,
    POL_SELECT,
    POL_INSERT,
    POL_UPDATE,
    POL_DELETE
} PolicyCmd;

typedef struct Policy {
    const Token *tok;
    Ident name;
    Ident renamed_from;        /* `renamed from OLD`, name NULL if absent */
    bool restrictive;
    PolicyCmd cmd;
    const Token *cmd_tok;
    Vec roles;                 /* Ident*; empty means PUBLIC */
    Frag using_;               /* len 0 if absent */
    Frag check;                /* len 0 if absent */
    const Token *using_tok;    /* the `using` keyword, if any */
    const Token *check_tok;    /* the `with` of `with check`, if any */
    const char *comment;       /* trailing `comment '...'`, NULL if none */
    const Token *comment_tok;
} Policy;

typedef struct Grant {
    const Token *tok;
    bool revoke;
    Vec privs;                 /* Ident*: select, insert, ..., all */
    Vec cols;                  /* Ident*: column privileges */
    Vec roles;                 /* Ident*: `public` allowed */
    bool grant_option;
    const char *on;            /* default privileges: "TABLES", ... */
    Ident on_all;              /* schema item `on all tables|functions`:
                                  each declared one (sema_grant_all.c);
                                  name NULL if absent */
    Ident on_schema;           /* its `in schema S`, name NULL if absent */
    Ident for_role;            /* database-wide default privileges: `for
                                  role R`, name NULL for the applying role */
} Grant;

typedef struct Trigger {
    const Token *tok;
    Ident name;
    const char *timing;        /* "BEFORE", "AFTER", "INSTEAD OF" */
    Frag events;               /* insert or update of a, b or delete */
    bool for_each_row;
    Frag when;                 /* len 0 if absent */
    QName func;
    Frag args;                 /* inside the parentheses, may be empty */
    struct Decl *func_decl;    /* sema */
    const char *comment;       /* trailing `comment '...'`, NULL if none */
    const Token *comment_tok;
} Trigger;

typedef struct Partition {
    const Token *tok;
    QName name;
    Frag bound;                /* `for values ...` or `default`, as written */
} Partition;

typedef struct Use {
    const Token *tok;
    Ident name;
    Vec args;                  /* Frag*: each argument as written */
    const Token *end;          /* the closing parenthesis */
} Use;

/* transitions COLUMN { 'a' -> 'b', 'c'; ... }: one rule per `from`. */
typedef struct TransitionRule {
    const Token *from;         /* string token */
    Vec to;                    /* const Token*: string tokens */
} TransitionRule;

typedef struct Transitions {
    const Token *tok;
    Ident column;
    Vec rules;                 /* TransitionRule* */
} Transitions;

/* retain N days by COLUMN; */
typedef struct Retain {
    const Token *tok;
    const Token *count;        /* the number */
    long days;
    Ident column;
} Retain;

/* partitions monthly from 'YYYY-MM-01' to 'YYYY-MM-01'; */
typedef struct Partitions {
    const Token *tok;
    Ident every;               /* "monthly" */
    const Token *from, *to;    /* string tokens */
} Partitions;

/* A bucket's row in storage.buckets, one column per setting. */
typedef enum {
    BUCKET_PUBLIC,            /* public true|false */
    BUCKET_SIZE_LIMIT,        /* file size limit N [kb|mb|gb] */
    BUCKET_MIME_TYPES         /* allowed mime types 'a', ... */
} BucketSettingKind;

typedef struct BucketSetting {
    BucketSettingKind kind;
    bool on;                   /* public */
    long long bytes;           /* file size limit */
    Vec types;                 /* const Token*: mime type strings */
} BucketSetting;

/* replica identity default|full|nothing|using index NAME (a table item) */
typedef struct Replica {
    const Token *tok;
    const char *mode;          /* "DEFAULT", "FULL", "NOTHING" or "INDEX" */
    Ident index;               /* using index NAME, name NULL otherwise */
} Replica;

/* A publication's table: table QNAME [(cols)] [where (expr)] */
typedef struct PubTable {
    const Token *tok;
    QName name;
    Vec cols;                  /* Ident*: published columns, empty = all */
    Frag where;                /* row filter, len 0 if absent */
    struct Decl *table;        /* sema: the table */
} PubTable;

/* A sequence's options as written (parse_sequence.c); sema fills in what
 * PostgreSQL would take for the rest. */
typedef struct Sequence {
    Ident type;                /* as TYPE, name NULL if absent */
    const Token *increment, *minvalue, *maxvalue, *start, *cache;
    bool no_minvalue, no_maxvalue, cycle;
    Vec owned_by;              /* Ident*: [schema.]table.column, or empty */
    const Token *owned_tok;
    /* sema */
    const char *type_name;     /* smallint, integer or bigint */
    long long inc, min, max, first, cache_n;
    struct Decl *owner;        /* the table of owned by */
    const char *owner_column;
} Sequence;

/* rows T (cols) [exact] { (v, ...); ... } */
typedef struct RowSet {
    Vec cols;                  /* Ident* */
    Vec tuples;                /* Vec* of Frag*: one value per column */
    Vec tuple_toks;            /* const Token*: each tuple's '(' */
    bool exact;                /* rows not listed are deleted */
    struct Decl *table;        /* sema */
    Vec columns;               /* sema: Column*, as cols */
    Vec key;                   /* sema: int*, indexes in cols of the key */
    bool overriding;           /* sema: an identity always column is set */
} RowSet;

typedef struct SetParam {
    const Token *tok;
    Ident name;
    Frag value;                /* as written, or len 0 for FROM CURRENT */
} SetParam;

/* ORDER: item_kind_name in ast.c follows this enum. */
typedef enum {
    ITEM_COLUMN,
    ITEM_CONSTRAINT,      /* table constraint */
    ITEM_INDEX,
    ITEM_RLS,             /* row level security [forced] */
    ITEM_POLICY,
    ITEM_GRANT,           /* grant or revoke */
    ITEM_COMMENT,
    ITEM_TRIGGER,
    ITEM_PARTITION_BY,
    ITEM_PARTITION,
    ITEM_USE,
    ITEM_OPTIONS,         /* view: with (k = v, ...) */
    ITEM_QUERY,           /* view: as SELECT ... */
    ITEM_LANGUAGE,        /* function */
    ITEM_ATTRIBUTE,       /* function: stable, strict, leakproof, ... */
    ITEM_SET,             /* function: set search_path = ... */
    ITEM_BODY,            /* function: as $$ ... $$ */
    ITEM_DEFAULT_PRIVS,   /* schema: default privileges grant ... */
    ITEM_IN_ROLE,         /* role: in role r, ... */
    ITEM_LOGIN,           /* role: login */
    ITEM_ALLOW,           /* allow RULE 'reason': silences one lint rule */
    ITEM_AUDIT,           /* audit: the project's row-audit trigger */
    ITEM_TRANSITIONS,     /* transitions COLUMN { 'a' -> 'b'; } */
    ITEM_RETAIN,          /* retain N days by COLUMN */
    ITEM_PARTITIONS,      /* partitions monthly from ... to ... */
    ITEM_BUCKET_SETTING,  /* bucket: public, file size limit, mime types */
    ITEM_REPLICA,         /* table: replica identity full|... */
    ITEM_PUB_TABLE,       /* publication: table T [(cols)] [where (...)] */
    ITEM_PUBLISH          /* publication: publish insert, update, ... */
} ItemKind;

typedef struct Item {
    ItemKind kind;
    const Token *tok;
    struct Decl *from_template; /* set when pasted by `use` */
    Vec deps;                   /* sema: Decl* this item's SQL needs */
    struct Unit *unit;          /* order: the statement it makes, if one */
    union {
        Column *column;            /* ITEM_COLUMN */
        Constraint *constraint;    /* ITEM_CONSTRAINT */
        Index *index;              /* ITEM_INDEX */
        bool forced;               /* ITEM_RLS */
        Policy *policy;            /* ITEM_POLICY */
        Grant *grant;              /* ITEM_GRANT, ITEM_DEFAULT_PRIVS */
        const char *comment;       /* ITEM_COMMENT */
        Trigger *trigger;          /* ITEM_TRIGGER */
        Frag partition_by;         /* ITEM_PARTITION_BY: range (key) */
        Partition *partition;      /* ITEM_PARTITION */
        Use *use;                  /* ITEM_USE */
        Frag options;              /* ITEM_OPTIONS: inside with (...) */
        Frag query;                /* ITEM_QUERY */
        Ident language;            /* ITEM_LANGUAGE */
        Ident attribute;           /* ITEM_ATTRIBUTE: name, folded; may be
                                      two words ("security definer") */
        SetParam *set;             /* ITEM_SET */
        const Token *body;         /* ITEM_BODY: a string token */
        Vec in_roles;              /* ITEM_IN_ROLE: Ident* */
        struct {                   /* ITEM_ALLOW */
            Ident rule;
            const char *reason;
        } allow;
        Transitions *transitions;  /* ITEM_TRANSITIONS */
        Retain *retain;            /* ITEM_RETAIN */
        Partitions *partitions;    /* ITEM_PARTITIONS */
        BucketSetting *setting;    /* ITEM_BUCKET_SETTING */
        Replica *replica;          /* ITEM_REPLICA */
        PubTable *pub_table;       /* ITEM_PUB_TABLE */
        Vec publish;               /* ITEM_PUBLISH: Ident*, folded */
    } u;
} Item;

/* A test's steps (parse_test.c, sema_test.c, emit_test.c). */
typedef enum {
    STEP_SETUP,           /* setup SQL; */
    STEP_EXPECT_ROWS,     /* [as R [claims J]] expect N rows from SQL; */
    STEP_EXPECT_ERROR     /* [as R [claims J]] expect error [S] from SQL; */
} StepKind;

/* How a step's statement runs (sema, from its parse tree). */
typedef enum {
    STEP_RUN_AS_IS,       /* utility statements; DML in setup */
    STEP_RUN_QUERY,       /* SELECT count(*) FROM (Q) AS q */
    STEP_RUN_DML,         /* WITH q AS (Q RETURNING 1) SELECT count(*) ... */
    STEP_RUN_RETURNING    /* WITH q AS (Q) SELECT count(*) FROM q */
} StepRun;

typedef struct TestStep {
    StepKind kind;
    const Token *tok;          /* its first token: setup, as or expect */
    Ident role;                /* `as ROLE`, name NULL if absent */
    const Token *claims;       /* `claims '...'`, NULL if absent */
    const char *claims_json;   /* the claims' value */
    const Token *count;        /* STEP_EXPECT_ROWS: the number */
    long rows;
    const Token *sqlstate;     /* STEP_EXPECT_ERROR: NULL for any error */
    const char *state;         /* its value */
    const Token *sql;          /* the statement's string token */
    StepRun run;               /* sema */
    const char *stmt;          /* sema: the statement, without a ';' */
} TestStep;

typedef struct Decl {
    DeclKind kind;
    const Token *tok;          /* the keyword that starts it */
    QName name;                /* platform/extension/role: name only */
    Vec items;                 /* Item* in written order (templates expanded
                                  in place by sema) */
    const Token *end;          /* closing brace or semicolon */

    /* header parts, by kind */
    Ident ext_schema;          /* extension NAME schema S */
    bool login;                /* role NAME login */
    bool audit_log;            /* table declared as `audit into NAME` */
    Vec enum_labels;           /* Ident*-like: tok + unescaped value */
    Vec enum_renamed;          /* Ident*, one per label: the label it was
                                  renamed from, name NULL if none */
    Ident renamed_from;        /* table, view, function: `renamed from
                                  OLD`, name NULL if absent */
    Frag header;               /* domain: type and constraints; type: the
                                  composite's (...) inside; function: args */
    Frag returns;              /* function: return type as written */
    Vec params;                /* template: Ident* parameter names */
    Frag template_body;        /* template: text between its braces */
    Vec steps;                 /* test: TestStep* in written order */
    bool all_tables;           /* publication NAME for all tables */
    Sequence *seq;             /* sequence: its options */
    RowSet *rowset;            /* rows: the table's rows */

    /* filled in by sema */
    const char *schema;        /* resolved schema ("public" if unqualified) */
    bool external;             /* provided by the platform: never emitted */
    Vec columns;               /* table: Column* in order */
    Vec deps;                  /* Decl* that must exist before it */
    Constraint *pkey;          /* table: its primary key, if any */
    const char *language;      /* function: language, folded */
    const Token *body;         /* function: the body's string token */
    const char *argtypes;      /* function: input argument types, SQL */
    const char *sigtypes;      /* function: the same with declared types
                                  qualified, as a signature read under
                                  search_path = pg_catalog needs them */
    const char *attributes;    /* function: attributes and settings, SQL */
    struct Decl *extends;      /* table: the platform's table of that
                                  name, when this declares what the schema
                                  adds to it (sema_platform.c) */
    struct Unit *unit;         /* order: the statement that creates it */
    int ordinal;               /* position in the whole program */
} Decl;

typedef struct Program {
    Vec sources;               /* Source* */
    Vec decls;                 /* Decl* from every file, in file order */
    bool supabase;             /* platform supabase; declared */
    Vec units;                 /* Unit*, in dependency order (order.c) */
    Vec ignores;               /* Ignore*: undeclared objects left alone */
    Vec default_privs;         /* Item* (ITEM_DEFAULT_PRIVS): database-wide
                                  default privileges, in written order */
} Program;

/* ignore KIND [SCHEMA.]NAME;  the names are globs ('*': any run of
 * characters); `word` is the kind as objects.h's SctlIgnore spells it. */
typedef struct Ignore {
    const Token *tok;          /* the `ignore` keyword */
    const Token *name_tok;     /* the first token of the pattern */
    const char *word;          /* "table", "view", "materialized view", ... */
    const char *schema;        /* glob; "public" when written unqualified */
    const char *name;          /* glob */
} Ignore;

const char *decl_kind_name(DeclKind k);
const char *item_kind_name(ItemKind k);
/* A function declared `procedure` (no return type; CALL runs it). */
bool ast_is_procedure(const Decl *d);
/* The column's first constraint of a kind, NULL if none. */
const Constraint *ast_column_constraint(const Column *c, ConKind kind);
/* The part of its table a constraint, index, policy or trigger item
 * makes: its name (chosen by sema when not given), its trailing comment
 * and where that was written (NULL when none).  False for other items. */
bool ast_item_part(const Item *it, const char **name, const char **comment,
                   const Token **comment_tok);

/* ----------------------------------------------------------- parse_decl.c */

/* Parses one file's tokens into p->decls; recovers at `;` or `}`. */
void parse_file(Arena *a, Program *p, const TokenList *tl, Diag *d);
/* The same, recording every SQL fragment taken as written (Frag*) in
 * frags: the text fmt must leave byte for byte. */
void parse_file_frags(Arena *a, Program *p, const TokenList *tl, Diag *d,
                      Vec *frags);
/*
 * Parses table items from a template's expanded text (used by sema for
 * `use`).  Items are appended to out.
 */
void parse_table_items(Arena *a, const TokenList *tl, Vec *out, Diag *d);

/* ---------------------------------------------------------------- parse.c */

/* The parser's cursor and what the parse_*.c files share are in parse.h.
 * The closest word to word among words (edit distance <= 2), or NULL. */
const char *parse_suggest(const char *word, const char *const *words);
/* Levenshtein distance (99 for names longer than 63 bytes). */
int parse_distance(const char *a, const char *b);

/* ----------------------------------------------------------------- json.c */

/* Just enough JSON to read libpg_query's parse trees. */
typedef enum { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY,
               JSON_OBJECT } JsonKind;

typedef struct Json {
    JsonKind kind;
    union {
        bool boolean;              /* JSON_BOOL */
        double number;             /* JSON_NUMBER */
        const char *string;        /* JSON_STRING (unescaped, NUL-ended) */
        struct {                   /* JSON_ARRAY and JSON_OBJECT */
            struct Json **items;
            const char **keys;     /* JSON_OBJECT only */
            int len;
        } list;
    } u;
} Json;

/* NULL and *err set on malformed input or nesting deeper than 4096. */
Json *json_parse(Arena *a, const char *text, size_t len, const char **err);
/* Member of an object, NULL if absent or not an object. */
Json *json_get(const Json *obj, const char *key);
/* String value, NULL if not a string. */
const char *json_str(const Json *v);
/* Integer value, dflt if not a number. */
int json_int(const Json *v, int dflt);
int json_len(const Json *v);              /* array or object length, else 0 */
Json *json_at(const Json *v, int i);      /* array element, NULL if none */

/* ------------------------------------------------------------ sql_depth.c */

/* The byte offset in s where SQL text would make a parse tree deeper than
 * libpg_query can safely take (see the file), or -1 if it stays within. */
long sql_depth_exceeded(const char *s, size_t len);
/* Deeper than this is refused: Bison's own limit for brackets, far below the
 * 60,000 to 80,000 levels where libpg_query ran off an 8 MiB stack, and
 * above the 2,000 or so that json.c then reads (so nothing read before is
 * refused now). */
#define SQL_MAX_DEPTH 10000

/* ---------------------------------------------------------------- pgsql.c */

/*
 * PostgreSQL's own parser (libpg_query) applied to SQL fragments.  A
 * fragment is wrapped in prefix and suffix to form a statement; errors are
 * mapped back to a byte offset inside the fragment.
 */
typedef struct PgParse {
    Json *tree;            /* {"version":..,"stmts":[..]} or NULL on error */
    const char *message;   /* NULL on success */
    long error_off;        /* byte offset within the fragment, or -1 */
} PgParse;

PgParse pgsql_parse(Arena *a, const char *prefix, const char *frag,
                    size_t frag_len, const char *suffix);
/*
 * Checks a PL/pgSQL body.  sql is a whole CREATE FUNCTION statement whose
 * body occupies [body_off, body_off + body_len); an error is mapped to a byte
 * offset within the body (the start of the line PostgreSQL names, or of the
 * token it names when that token is on that line).
 */
PgParse pgsql_parse_plpgsql(Arena *a, const char *sql, size_t body_off,
                            size_t body_len);

typedef enum {
    REF_RELATION,   /* a table, view or sequence read or written */
    REF_FUNCTION,   /* a function called */
    REF_TYPE,       /* a type named in a cast or declaration */
    REF_COLUMN      /* a column named without qualification */
} RefKind;

typedef struct PgRef {
    RefKind kind;
    const char *schema;   /* NULL if unqualified */
    const char *name;
    int nargs;            /* REF_FUNCTION: argument count */
    long location;        /* byte offset in the parsed statement, or -1 */
    int depth;            /* SELECT nesting: 0 = the fragment's own level */
} PgRef;

/*
 * Collects every reference in a parse tree (or any subtree), leaving out
 * names bound by WITH queries.  Sub-statements held as text (PL/pgSQL
 * queries) are parsed and included.
 */
void pgsql_collect_refs(Arena *a, const Json *tree, Vec *out /* PgRef* */);
/* The same for the tree of a PL/pgSQL body: references in its statements'
 * text get byte offsets in body where that text is found as written. */
void pgsql_collect_body_refs(Arena *a, const Json *tree, const char *body,
                             size_t len, Vec *out /* PgRef* */);
/* The i-th name of a libpg_query name list ({"String":{"sval":..}}); a
 * negative i counts from the end.  NULL if there is none. */
const char *pgsql_list_string(const Json *list, int i);

/* ---------------------------------------------------------------- probe.c */

/* A query counting the rows of t that break k (a check, key or foreign
 * key), or NULL when none can be written; in a. */
const char *probe_constraint(Arena *a, const Decl *t, const Constraint *k);
/* The same for a unique index on plain columns. */
const char *probe_unique_index(Arena *a, const Decl *t, const Index *ix);

/* ---------------------------------------------------------------- quote.c */

/* The shared writer (src/common) appending to b. */
SctlOut quote_out(Buf *b);
/* Appends an identifier, double-quoted only when PostgreSQL needs it. */
void quote_ident(Buf *b, const char *name);
/* Appends schema.name (schema omitted when NULL). */
void quote_qname(Buf *b, const char *schema, const char *name);
/* Appends a standard-conforming literal: 'it''s'. */
void quote_literal(Buf *b, const char *s);
/* Appends s as a dollar-quoted string with a tag not found inside it. */
void quote_dollar(Buf *b, const char *s, size_t len);
/* Appends a C string literal (for ECPG sources). */
void quote_c(Buf *b, const char *s, size_t len);
/* True if word is an SQL keyword that needs quoting as an identifier. */
bool quote_is_reserved(const char *word);

/* --------------------------------------------------------------- naming.c */

/*
 * PostgreSQL's makeObjectName: name1[_name2][_label], with name1 and name2
 * shortened (longest first, at character boundaries) to fit 63 bytes.
 */
char *naming_make(Arena *a, const char *name1, const char *name2,
                  const char *label);
/* Column names joined by '_' as ChooseIndexNameAddition does. */
char *naming_join_columns(Arena *a, const char *const *cols, int ncols);
/* How many bytes of s PostgreSQL keeps within limit: the longest prefix
 * that ends on a UTF-8 character (its truncate_identifier). */
size_t naming_clip(const char *s, size_t limit);
/* s cut to the 63 bytes PostgreSQL keeps of a name (s itself if short). */
const char *naming_truncate(Arena *a, const char *s);

/* The names taken in one schema, to choose new ones as PostgreSQL does. */
typedef struct NameSet NameSet;
NameSet *naming_set_new(Arena *a);
bool naming_taken(const NameSet *s, const char *name);
void naming_take(NameSet *s, const char *name);
/*
 * ChooseRelationName / ChooseConstraintName: the first of label, label1,
 * label2, ... whose made name is not yet taken in taken; the result is taken.
 */
char *naming_choose(Arena *a, NameSet *taken, const char *name1,
                    const char *name2, const char *label);

/* -------------------------------------------------------------- catalog.c */

/* Names PostgreSQL 15 provides out of the box (generated from pg_catalog). */
bool catalog_is_builtin_type(const char *name);      /* pg_catalog typname */
bool catalog_is_builtin_function(const char *name);  /* pg_catalog proname */
bool catalog_is_builtin_relation(const char *schema, const char *name);
/* The built-in type (types) or function name nearest to name, within
 * max edits; NULL if none. */
const char *catalog_nearest(bool types, const char *name, int max);
/* Objects an extension installs, NULL-terminated lists; NULL if unknown. */
const char *const *catalog_extension_types(const char *extension);
const char *const *catalog_extension_functions(const char *extension);

/* -------------------------------------------------------------- compile.c */

/* What to compile: files read in order, then sources already in memory
 * (tests, generated text).  Either may be empty. */
typedef struct CompileInput {
    Vec paths;                 /* const char*: .schema files */
    Vec sources;               /* Source* */
} CompileInput;

typedef enum {
    COMPILE_OK,                /* checked without error: prog is set */
    COMPILE_UNREADABLE,        /* a file could not be read (reported) */
    COMPILE_INVALID,           /* errors in the schema (reported) */
} CompileStatus;

/* What compile() made of its input; prog is NULL unless COMPILE_OK.
 * The counts are of the diagnostics this compilation reported. */
typedef struct Compilation {
    CompileStatus status;
    Program *prog;
    int errors;
    int warnings;
} Compilation;

/* Lexes, parses and checks (sema_check) every input; diagnostics go to d.
 * The checks run only when every file parsed without error. */
Compilation compile(Arena *a, const CompileInput *in, Diag *d);

/* ----------------------------------------------------------------- sema.c */

/*
 * The checker (compile() calls it): expands templates and generated items,
 * resolves every name, chooses the names PostgreSQL would give unnamed
 * constraints and indexes, checks every SQL fragment with libpg_query,
 * records dependencies and orders the output.  Errors go to d.  Its state
 * and its passes' shared functions are in sema.h.
 */
void sema_check(Arena *a, Program *p, Diag *d);
/* True for schemas that exist without being created: public, and the
 * platform's own (auth, storage, extensions with platform supabase). */
bool sema_platform_schema(const Program *p, const char *name);
/* A role every Supabase project has (the API's and the platform's own). */
bool sema_supabase_role(const char *name);

/* ------------------------------------------------------------- sema_sql.c */

Column *sema_find_column(Decl *table, const char *name);

/* --------------------------------------------------------- sema_routine.c */

/* A string token's value as a fragment (sema_string_frag in sema.h), with
 * no checker at hand: the server check's mapping. */
Frag sema_string_frag_in(Arena *a, const Token *t);

/* ----------------------------------------------------- sema_publication.c */

/* Whether the publication is the platform's (supabase_realtime): never
 * created nor dropped, only given tables. */
bool sema_platform_publication(const Program *p, const Decl *pub);

/* ----------------------------------------------------------------- lint.c */

/*
 * Warnings about a checked program (schemac check): the review rules and
 * Supabase advisor's findings that the schema decides (docs/lint.md; the
 * rules are in lint_*.c, their shared state in lint.h).  Each names its
 * rule; `allow RULE 'reason';` in an object silences one rule there.
 * Ends with a summary line on out.
 */
void lint_program(Arena *a, const Program *p, Diag *d, FILE *out);

/* ---------------------------------------------------------------- order.c */

/* Also the preference among statements that are ready together. */
typedef enum {
    UNIT_ROLE,
    UNIT_ROLE_MEMBERSHIP,
    UNIT_SCHEMA,
    UNIT_EXTENSION,
    UNIT_TYPE,
    UNIT_TABLE,
    UNIT_PARTITION,
    UNIT_FUNCTION,
    UNIT_VIEW,
    UNIT_FOREIGN_KEY,
    UNIT_INDEX,
    UNIT_RLS,
    UNIT_POLICY,
    UNIT_TRIGGER,
    UNIT_GRANT,
    UNIT_DEFAULT_PRIVS,
    UNIT_COMMENT,
    UNIT_COLUMN_COMMENT,
    UNIT_PART_COMMENT,   /* COMMENT ON a constraint, index, policy or
                            trigger: the item's trailing comment */
    UNIT_BUCKET,
    UNIT_REPLICA,        /* ALTER TABLE ... REPLICA IDENTITY */
    UNIT_PUBLICATION,    /* CREATE PUBLICATION */
    UNIT_PUB_TABLE,      /* ALTER PUBLICATION ... ADD TABLE */
    UNIT_SEQUENCE,       /* CREATE SEQUENCE */
    UNIT_SEQUENCE_OWNED, /* ALTER SEQUENCE ... OWNED BY, after the table */
    UNIT_ROWS,           /* INSERT ... ON CONFLICT ... DO UPDATE */
    UNIT_ROWS_EXACT      /* DELETE of the rows not declared */
} UnitKind;

/* One statement of the output and what must come before it. */
typedef struct Unit {
    UnitKind kind;
    Decl *decl;          /* the object; NULL for an implied schema */
    const char *name;    /* UNIT_SCHEMA: the schema's name */
    bool exists;         /* UNIT_SCHEMA: there already (IF NOT EXISTS) */
    Item *item;          /* the item it comes from, if any */
    Constraint *con;     /* UNIT_FOREIGN_KEY */
    Column *column;      /* UNIT_COLUMN_COMMENT */
    const Token *at;     /* where it was written, for `-- source:` */
    int seq;             /* preference among ready units */
    Vec deps;            /* Unit* that must come first */
    Vec dependents;      /* Unit* waiting for this one */
    int waiting;         /* deps not yet placed */
} Unit;

/*
 * Builds the statements of a checked program and sorts them by dependency
 * into p->units; a cycle is reported as an error.
 */
void order_units(Arena *a, Program *p, Diag *d);

/* ------------------------------------------------------------- emit_sql.c */

/* One statement of the canonical SQL, without its ';'. */
typedef struct EmitStmt {
    const Unit *unit;      /* the unit it comes from */
    const char *sql;
    bool continues;        /* a second statement of the unit: no source
                              line of its own */
} EmitStmt;

/* The canonical SQL of a checked, ordered program, statement by statement
 * (EmitStmt*, in the arena). */
void emit_sql_statements(Arena *a, const Program *p, Vec *out);
/* generated/NAME.sql: the header, then each statement after its
 * `-- source:` line. */
void emit_sql_write(Buf *out, const Vec *statements);
/* Both of the above. */
void emit_sql(Buf *out, Arena *a, const Program *p);
/* Appends one statement (no source line, no trailing newline). */
void emit_sql_unit(Buf *out, Arena *a, const Unit *u);
/* A column definition as in CREATE TABLE (name, type, properties). */
void emit_sql_column(Buf *out, const Column *c);
/* "CONSTRAINT name PRIMARY KEY (...)" and the like for the constraints
 * CREATE TABLE holds; false (nothing written) for others.  out may be
 * NULL to ask only. */
bool emit_sql_inline_constraint(Buf *out, const Constraint *k);

/* ---------------------------------------------------------- emit_bucket.c */

/* A bucket's upsert into storage.buckets, and the condition limiting a
 * policy's clause f to its objects. */
void emit_sql_bucket(Buf *b, Arena *a, const Decl *bucket);
void emit_sql_bucket_condition(Buf *b, const Decl *bucket, const Frag *f);

/* ----------------------------------------------------- emit_publication.c */

/* CREATE PUBLICATION, ALTER PUBLICATION ... ADD TABLE, ALTER TABLE ...
 * REPLICA IDENTITY. */
void emit_sql_publication(Buf *b, const Unit *u);
void emit_sql_pub_table(Buf *b, const Unit *u);
void emit_sql_replica(Buf *b, const Unit *u);

/* -------------------------------------------------------- emit_sequence.c */

/* CREATE SEQUENCE with the options written; ALTER SEQUENCE ... OWNED BY;
 * and every option spelt out (the repair). */
void emit_sql_sequence(Buf *b, const Unit *u);
void emit_sql_sequence_owned(Buf *b, const Unit *u);
void emit_sql_sequence_options(Buf *b, const Sequence *q);

/* ------------------------------------------------------------ emit_rows.c */

/* The upsert, the delete of `exact`, and the query the executable reads
 * the declared rows back with (a facet). */
void emit_sql_rows(Buf *b, const Unit *u);
void emit_sql_rows_exact(Buf *b, const Unit *u);
void emit_sql_rows_read(Buf *b, const Decl *rows);

/* ---------------------------------------------------------------- build.c */

/* Where each object and statement of a model was written, for errors. */
typedef struct ModelTokens {
    const Token *const *objects;
    const Token *const *statements;
} ModelTokens;

/* Where build writes; NULL members take their place beside -o. */
typedef struct BuildDirs {
    const char *sql_dir;      /* generated/NAME.sql */
    const char *pgc_dir;      /* pgc/NAME.pgc */
    const char *work_dir;     /* NAME/partK.{pgc,c,o} and the stamp */
} BuildDirs;

typedef struct BuildOutputs {
    Buf sql;                  /* generated/NAME.sql (the caller frees) */
    SctlSchema *model;        /* in the arena */
    ModelTokens at;
    long parsed;              /* statements shape_check parsed */
} BuildOutputs;

/*
 * The canonical SQL and the model of a checked program, and every
 * statement the executable can run parsed (shape_check).  Returns 0, or 1
 * with the errors in d.
 */
int build_outputs(Arena *a, const Program *p, const char *project,
                  BuildOutputs *out, Diag *d);
/*
 * Writes generated/NAME.sql and pgc/NAME.pgc for a checked program (NAME
 * is bin's last component), then compiles and links bin with the runtime,
 * unless the last build made this very binary.  Returns an exit status:
 * 0; 1 when a statement does not parse (nothing written); 2 when a file
 * or tool fails.
 */
int build_project(Arena *a, const Program *p, const char *bin,
                  const BuildDirs *dirs, Diag *d);

/* ----------------------------------------------------------- server_map.c */

/* A place in the .schema files (through template spans, like a Frag). */
typedef struct ServerSpot {
    const Source *src;
    size_t off, len;
} ServerSpot;

/* Where byte off of a canonical statement was written: inside the
 * fragment that holds it (a default, a check, a query, a body); when the
 * server gives no position (off < 0), where the fragments name what the
 * message msg is about (a column, an operator, a function); else the item
 * or declaration the statement comes from. */
ServerSpot server_map_statement(Arena *a, const EmitStmt *st, long off,
                                const char *msg);
/* Where line `line` (1-based, as PL/pgSQL counts from the body's first
 * byte) of function fn's body is, and within it the 1-based character pos
 * of query, the text of one of its expressions, or else what msg names. */
ServerSpot server_map_body(Arena *a, const Decl *fn, int line,
                           const char *query, long pos, const char *msg);
/* The name an error message is about (`column "x" does not exist`), or
 * NULL. */
const char *server_message_name(Arena *a, const char *msg);
/* The first place name is written as a whole word in text[from, len), or
 * -1. */
long server_find_word(const char *text, size_t len, size_t from,
                      const char *name);
/* Byte offset of 1-based character position pos of text (-1 if pos < 1). */
long server_char_offset(const char *text, long pos);

/* --------------------------------------------------------- server_check.c */

/*
 * The semantic check against PostgreSQL itself (schemac check and build):
 * the canonical SQL of a checked program run, statement by statement, in a
 * transaction that is rolled back, on the server of db (a scratch database
 * is made there) or, when db is NULL, on a throwaway server of its own;
 * PL/pgSQL bodies then go through plpgsql_check when it is installed.
 * Every server error becomes an error at its .schema place, its DETAIL and
 * HINT notes (d).  Without PostgreSQL (db NULL) it says so once and checks
 * nothing.  Returns false when the server cannot be used (reported).
 */
bool server_check(Arena *a, const Program *p, const char *db, Diag *d);

/* -------------------------------------------------------------- migrate.c */

/* `schemac diff OLD NEW ...` (argv as main has it): the migration from
 * OLD to NEW, planned by NEW's executable on a throwaway server.  Returns
 * the exit status: 0, 1 (errors in the input, or a statement refused), 2. */
int migrate_main(int argc, char **argv);
/* ---------------------------------------------------- fmt.c, fmt_layout.c */

/* A column whose name and type fmt may align. */
typedef struct FmtColumn {
    size_t name_off, name_len;   /* the name token */
    size_t type_off;             /* the type's first byte */
} FmtColumn;

/* One file as fmt sees it: text, tokens, and what must stay byte for byte. */
typedef struct FmtFile {
    const char *text;
    size_t len;
    const Token *toks;           /* ends with TK_EOF */
    int ntoks;
    char *verbatim;              /* per byte: inside a token, fragment or
                                    block comment (fmt may not touch it) */
    FmtColumn *cols;             /* table columns, in source order */
    int ncols;
} FmtFile;

/* One item per line: breaks after `;` and `{`, before `}`. */
void fmt_split_items(const FmtFile *f, Buf *out);
/* Indentation, column alignment, blank lines, trailing spaces. */
void fmt_layout(const FmtFile *f, Buf *out);
/* The text laid out in out; false (an error in d) if it has syntax errors
 * or the layout would change its meaning. */
bool fmt_source(Arena *a, const Source *in, Buf *out, Diag *d);
/*
 * schemac fmt: rewrites each file in the canonical layout (whole or not at
 * all), or with check lists the files it would change.  Returns 0, 1 (a
 * file to change under check, or a file with syntax errors), 2 (I/O).
 */
int fmt_files(Arena *a, const Vec *files, bool check, Diag *d);

/* ----------------------------------------------------------------- home.c */

/* The runtime `schemac build` links: the archive and its headers. */
typedef struct SchemacHome {
    const char *lib;          /* libschemactl.a */
    const char *runtime_inc;  /* schemactl.h */
    const char *common_inc;   /* objects.h */
} SchemacHome;

/* Finds it from $SCHEMAC_HOME, else the running binary's location; false
 * (and an error in d) if there is none. */
bool home_find(Arena *a, SchemacHome *out, Diag *d);

/* ---------------------------------------------------------------- model.c */

/* File names of a model, each once, in the order first seen. */
typedef struct ModelFiles {
    Arena *a;
    Vec names;             /* const char* */
    Map *index;            /* name -> index + 1 */
} ModelFiles;

/*
 * What the executable carries (src/common/objects.h), built from a checked
 * program and its canonical statements (emit_sql_statements); sql is the
 * whole canonical text (its SHA-256 is the checksum).  In the arena.
 */
SctlSchema *model_build(Arena *a, const Program *p, const Vec *statements,
                        const char *sql, const char *project,
                        ModelTokens *at);
/* The index in f of the file at was written in; *line, *col 1-based. */
int model_file(ModelFiles *f, const Token *at, int *line, int *col);

/* --------------------------------------------------------- model_ignore.c */

/* The ignore patterns of p, and the schemas whose undeclared objects are
 * reported and dropped (the managed ones but the platform's), into s. */
void model_ignores(ModelFiles *f, const Program *p, SctlSchema *s);

/* ----------------------------------------------------------- model_test.c */

/* The tests and steps of p into s (SctlSchema.tests, .steps). */
void model_tests(ModelFiles *f, const Program *p, SctlSchema *s);

/* --------------------------------------------------------- model_report.c */

/* The declared access matrix and the lint's warnings, for the report. */
void model_report(Arena *a, ModelFiles *f, const Program *p, SctlSchema *s);

/* ---------------------------------------------------------- shape_check.c */

/*
 * Parses, with PostgreSQL's parser, every statement the executable can
 * run: each canonical statement, and each repair shape instantiated for
 * every object it can apply to.  A failure is an error at the object's
 * .schema position (d).  Returns the number of statements parsed.
 */
long shape_check(Arena *a, const SctlSchema *s, const ModelTokens *at,
                 Diag *d);

/* ------------------------------------------------------------- emit_pgc.c */

/* The translation units of an executable's source: objects, statements,
 * tests and schema. */
enum { EMIT_PGC_PARTS = 3 };

/* Writes each part into parts[k] (the caller frees them). */
void emit_pgc_parts(Buf parts[EMIT_PGC_PARTS], const SctlSchema *s);
/* pgc/NAME.pgc: the parts one after the other. */
void emit_pgc(Buf *out, const SctlSchema *s);

/* --------------------------------------------------------------- matrix.c */

/*
 * The access matrix of a checked program (schemac matrix): role x object x
 * command, computed from the declarations alone (docs/matrix.md).
 */
/* ORDER: kind_names in matrix.c follows this enum. */
typedef enum {
    MOBJ_TABLE,
    MOBJ_VIEW,
    MOBJ_MATVIEW,
    MOBJ_FUNCTION,
    MOBJ_BUCKET           /* the bucket's objects in storage.objects */
} MatrixKind;

/* ORDER: command_names in matrix.c follows this enum. */
typedef enum {
    MCMD_SELECT,
    MCMD_INSERT,
    MCMD_UPDATE,
    MCMD_DELETE,
    MCMD_EXECUTE
} MatrixCommand;

/* The row of the objects' owner: the role that applies the schema. */
#define MATRIX_OWNER "(owner)"

typedef struct MatrixCell {
    const char *role;      /* a role, "public" for every role, or
                              MATRIX_OWNER */
    MatrixCommand cmd;
    bool granted;          /* on the object, or on some of its columns */
    Vec columns;           /* const char*: those columns, when not all */
    bool usage;            /* USAGE on the object's schema */
    Vec policies;          /* const char*: permissive policies that apply */
    Vec restrictive;       /* const char*: restrictive ones */
    bool bypass;           /* the role bypasses row level security */
    bool open;             /* the role reaches rows, or may execute */
    const char *access;    /* "none", "all rows", "rows: ...", "execute" */
} MatrixCell;

typedef struct MatrixObject {
    MatrixKind kind;
    const Decl *decl;
    const char *schema;    /* storage for a bucket */
    const char *name;      /* schema.name, schema.f(types), or bucket id */
    bool rls, forced;
    bool invoker;          /* view: security_invoker */
    Vec cells;             /* MatrixCell*: roles sorted, then commands */
} MatrixObject;

typedef struct Matrix {
    Vec roles;             /* const char*, sorted, with "public" and
                              MATRIX_OWNER (first) */
    Vec objects;           /* MatrixObject*: by kind, then name */
} Matrix;

Matrix matrix_build(Arena *a, const Program *p);
const char *matrix_kind_name(MatrixKind k);
const char *matrix_command_name(MatrixCommand c);

/* ----------------------------------------------------------- matrix_acl.c */

/* Privileges of one object: its defaults, then its grants and revokes. */
typedef struct MatrixAcl MatrixAcl;

MatrixAcl *matrix_acl_object(Arena *a, const Program *p,
                             const MatrixObject *o);
/* The roles whose privileges role holds: itself, what it is a member of
 * (through `in role`, transitively), and public. */
Vec matrix_acl_closure(Arena *a, const Program *p, const char *role);
bool matrix_acl_schema_usage(Arena *a, const Program *p, const char *schema,
                             const Vec *closure);
/* Fills granted, columns, policies, restrictive and bypass of a cell. */
void matrix_acl_cell(Arena *a, const Program *p, const MatrixAcl *acl,
                     const MatrixObject *o, const Vec *closure,
                     MatrixCell *cell);

/* ----------------------------------------------------------- matrix_out.c */

/* Markdown, one section per object (from names the PATH, for the banner). */
void matrix_markdown(Buf *out, const Matrix *m, const char *from);
/* {"cells": [{"role", "table", "command", "granted", "policies",
 * "restrictive", "access"}]} */
void matrix_json(Buf *out, const Matrix *m);
/* `schemac matrix` on a checked program: format is markdown, json or
 * tests; prints to standard output; returns an exit status (0, or 2 when
 * the output cannot be written). */
int matrix_command(Arena *a, const Program *p, const char *format,
                   const char *from);

/* --------------------------------------------------------- matrix_tests.c */

/* `test` blocks asserting what the matrix decides without row data: one
 * per object and role (docs/matrix.md lists the assertions). */
void matrix_emit_tests(Buf *out, Arena *a, const Matrix *m,
                       const char *from);

/* --------------------------------------------------------------- import.c */

/* `schemac import` (argv as main's): .schema files from a database, or
 * from SQL files run on a throwaway server.  The exit status. */
int import_main(int argc, char **argv);

/* ------------------------------------------- import_names.c, import_acl.c */

/*
 * What `schemac import` (src/import*.c, which read a live database and
 * share src/import.h) decides without one: which names PostgreSQL chose
 * itself, and how an acl is said as grant items.
 */
typedef struct ImportNames ImportNames;   /* names of a schema, counted */
ImportNames *import_names_new(Arena *a);
/* constraint: a constraint's name (else a relation's: table, index, ...) */
void import_names_add(ImportNames *n, const char *schema, const char *name,
                      bool constraint);
int import_names_count(ImportNames *n, const char *schema, const char *name,
                       bool constraint);
/* The name PostgreSQL gives an unnamed key, index or constraint of table
 * (label pkey, key, excl, idx, check, fkey or seq; cols: the index's
 * column names, or the constraint's columns, or a sequence's column). */
char *import_default_name(Arena *a, const char *table,
                          const char *const *cols, int ncols,
                          const char *label);
/* True when name is that default and nothing else in the schema that the
 * server would check it against bears it: the compiler then chooses it
 * too. */
bool import_name_omittable(ImportNames *n, const char *schema,
                           const char *table, const char *name,
                           const char *const *cols, int ncols,
                           const char *label);

/* An aclitem[] as text ("{a=r/o,...}"): one entry per aclitem, in order. */
typedef struct ImportAcl {
    char *grantee;          /* "" for PUBLIC */
    char *privs;            /* letters, each maybe followed by '*' */
    char *grantor;
} ImportAcl;
int import_acl_parse(Arena *a, const char *text, ImportAcl **out);
/* "select, insert" for the letters with ('*') or without grant option. */
char *import_privilege_words(Arena *a, const char *letters, bool grantable);
/*
 * The grant and revoke items (each line after indent) that make acl from
 * the object's default one (acldefault: the owner's, and PUBLIC's for
 * functions and types).  NULL or "" acl: nothing.  false and *why when no
 * items can make it.
 */
bool import_acl_items(Buf *b, Arena *a, const char *indent, const char *acl,
                      const char *default_acl, char **why);
/* The same for default privileges: "grant ... on KIND to ...". */
bool import_acl_items_on(Buf *b, Arena *a, const char *indent,
                         const char *acl, const char *default_acl,
                         const char *on, char **why);

#endif
