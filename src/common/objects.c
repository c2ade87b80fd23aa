/*
 * objects.c — the tables objects.h declares, made from its lists so they
 * cannot fall out of step with the enums.
 */
#include "objects.h"

const char *const sctl_kind_words[SCTL_NKINDS] = {
#define SCTL_KIND_WORD(name, word, parts) word,
    SCTL_KIND_LIST(SCTL_KIND_WORD)
#undef SCTL_KIND_WORD
};

const int sctl_kind_key_parts[SCTL_NKINDS] = {
#define SCTL_KIND_PARTS(name, word, parts) parts,
    SCTL_KIND_LIST(SCTL_KIND_PARTS)
#undef SCTL_KIND_PARTS
};

const char *const sctl_shape_templates[SCTL_NSHAPES] = {
#define SCTL_SHAPE_TEXT(name, text) text,
    SCTL_SHAPE_LIST(SCTL_SHAPE_TEXT)
#undef SCTL_SHAPE_TEXT
};

const char *const sctl_shape_names[SCTL_NSHAPES] = {
#define SCTL_SHAPE_NAME(name, text) #name,
    SCTL_SHAPE_LIST(SCTL_SHAPE_NAME)
#undef SCTL_SHAPE_NAME
};
