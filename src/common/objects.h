/*
 * objects.h — what the compiler and the runtime must agree on, written
 * once: the kinds of objects an executable manages.  The compiler writes
 * tables that use these names (pgc/NAME.pgc); the runtime reads them.
 * Everything about a kind is one row of the X-macro list below, so adding
 * a kind is one line here and the -Wswitch errors it causes.
 */
#ifndef SCTL_OBJECTS_H
#define SCTL_OBJECTS_H

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
    X(BUCKET, "bucket", 2)

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

#endif
