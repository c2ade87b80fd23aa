/*
 * import_table.h — one table being written, shared by import_table.c
 * (columns and constraints) and import_table_items.c (the other items).
 */
#ifndef IMPORT_TABLE_H
#define IMPORT_TABLE_H

#include "import.h"

typedef struct ImportTable {
    ImportOut *o;
    const ImportRows *T;        /* the tables; this one is row t */
    int t;
    const ImportRows *C, *K;    /* columns, constraints */
    Buf *b;                     /* the schema's file */
    const char *oid, *schema, *name;
    int col0, ncols;            /* its rows in C */
    int con0, ncons;            /* its rows in K */
    bool *con_done;             /* written (on a column) or not its own */
} ImportTable;

/* A \x1f-separated list split (arena strings); how many. */
int import_split(Arena *a, const char *list, const char ***out);
/* Parts of a constraint (row k of t->K) as the language writes it. */
void import_constraint_name(ImportTable *t, int k);
void import_constraint_body(ImportTable *t, int k, bool on_column);
void import_references(ImportTable *t, int k);
/* Indexes, partitions, row level security, policies, grants, triggers,
 * comment. */
void import_table_items(ImportTable *t);
/* What a schema adds to a platform table (row t of IMP_PLATFORM_TABLES,
 * its changed columns in C): row level security, policies, grants,
 * triggers, comment. */
void import_platform_table_items(ImportTable *t);
/* The indexes of relation oid (tables, materialized views), as items. */
void import_indexes(ImportOut *o, Buf *b, const char *oid,
                    const char *schema, const char *name);
/* The policies of relation oid; bucket (or NULL) the bucket whose
 * policies on storage.objects these are. */
void import_policy(ImportOut *o, Buf *b, const ImportRows *P, int p,
                   const char *using_, const char *check);

#endif
