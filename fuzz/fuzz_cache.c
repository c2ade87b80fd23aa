/*
 * fuzz_cache.c — the runtime's cache reader on one input: a
 * schemactl.normal_forms row as sctl_cache_load reads it, and its body as
 * sctl_cache_parse reads it past the checksum (which a fuzzer cannot
 * forge).  The first byte says how many declared keys the body starts
 * with.  A body that reads is written back and must read back the same:
 * the reader and the writer agree.  The entry point is libFuzzer's.
 */
#include "schemactl.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(const SctlSchema *s, const SctlDeclared *d)
{
    char *row = sctl_cache_dump(s, d, 150000);
    SctlDeclared again;
    if (sctl_cache_load(s, 150000, row, &again) != SCTL_CACHE_OK)
        abort();                    /* a row we wrote must read */
    char *a = sctl_facets_dump(d->facets), *b = sctl_facets_dump(again.facets);
    if (strcmp(a, b) != 0)
        abort();                    /* and read as what was written */
    for (int i = 0; i < s->nobjects; i++)
        if (strcmp(d->keys[i], again.keys[i]) != 0)
            abort();
    /* Every facet is found by its key and among its table's parts. */
    for (int i = 0; i < sctl_facet_count(again.facets); i++) {
        const SctlFacet *fc = sctl_facet_at(again.facets, i);
        if (!sctl_facet(again.facets, fc->key))
            abort();
        if (!fc->table)
            continue;
        const SctlFacet **parts;
        int n, k = 0;
        sctl_facets_of_table(again.facets, fc->schema, fc->table, &parts, &n);
        while (k < n && parts[k] != fc)
            k++;
        if (k == n)
            abort();
    }
    free(a);
    free(b);
    free(row);
    sctl_declared_free(&again, s->nobjects);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    char *text = malloc(size);
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    SctlSchema s = {0};
    s.checksum = "fuzz";
    s.nobjects = data[0] % 8;
    SctlDeclared d;
    if (sctl_cache_load(&s, 150000, text, &d) == SCTL_CACHE_OK)
        sctl_declared_free(&d, s.nobjects);
    if (sctl_cache_parse(s.nobjects, text, &d))
        round_trip(&s, &d);
    sctl_declared_free(&d, s.nobjects);
    free(text);
    return 0;
}
