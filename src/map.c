/*
 * map.c — a string-keyed hash map (open addressing, arena-allocated) for
 * the symbol tables: lookups must stay constant-time at 10,000 tables.
 */
#include "schemac.h"

#include <string.h>

struct Map {
    Arena *arena;
    const char **keys;
    void **values;
    size_t cap;
    size_t len;
};

/* FNV-1a: short keys, no adversary worth a keyed hash. */
static size_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return (size_t)h;
}

Map *map_new(Arena *a)
{
    Map *m = arena_alloc(a, sizeof *m);
    m->arena = a;
    m->cap = 64;
    m->keys = arena_alloc(a, sizeof(char *) * m->cap);
    m->values = arena_alloc(a, sizeof(void *) * m->cap);
    return m;
}

static size_t slot(const Map *m, const char *key)
{
    size_t i = hash(key) & (m->cap - 1);
    while (m->keys[i] && strcmp(m->keys[i], key) != 0)
        i = (i + 1) & (m->cap - 1);
    return i;
}

static void grow(Map *m)
{
    const char **keys = m->keys;
    void **values = m->values;
    size_t cap = m->cap;
    m->cap *= 2;
    m->keys = arena_alloc(m->arena, sizeof(char *) * m->cap);
    m->values = arena_alloc(m->arena, sizeof(void *) * m->cap);
    for (size_t i = 0; i < cap; i++)
        if (keys[i]) {
            size_t j = slot(m, keys[i]);
            m->keys[j] = keys[i];
            m->values[j] = values[i];
        }
}

void *map_get(const Map *m, const char *key)
{
    size_t i = slot(m, key);
    return m->keys[i] ? m->values[i] : NULL;
}

void map_put(Map *m, const char *key, void *value)
{
    if ((m->len + 1) * 2 > m->cap)
        grow(m);
    size_t i = slot(m, key);
    if (!m->keys[i]) {
        m->keys[i] = arena_strdup(m->arena, key);
        m->len++;
    }
    m->values[i] = value;
}
