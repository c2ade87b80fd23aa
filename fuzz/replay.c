/*
 * replay.c — runs the fuzz target on every file named (a directory: on
 * every file in it), so that the committed corpus and every crash kept in
 * it are replayed under ASan/UBSan without libFuzzer.  Prints how many.
 */
#define _DEFAULT_SOURCE 1
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: cannot open %s\n", path);
        return 1;
    }
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0, got;
    do {
        if (len == cap && !(buf = realloc(buf, cap = cap ? cap * 2 : 4096)))
            return 1;
        got = fread(buf + len, 1, cap - len, f);
        len += got;
    } while (got > 0);
    fclose(f);
    LLVMFuzzerTestOneInput(buf, len);
    free(buf);
    return 0;
}

static int replay(const char *path, int *n)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "replay: no such file: %s\n", path);
        return 1;
    }
    if (!S_ISDIR(st.st_mode)) {
        ++*n;
        return replay_file(path);
    }
    struct dirent **names;
    int count = scandir(path, &names, NULL, alphasort), bad = 0;
    for (int i = 0; i < count; i++) {
        if (names[i]->d_name[0] != '.') {
            char *sub = malloc(strlen(path) + strlen(names[i]->d_name) + 2);
            sprintf(sub, "%s/%s", path, names[i]->d_name);
            bad |= replay(sub, n);
            free(sub);
        }
        free(names[i]);
    }
    free(names);
    return bad;
}

int main(int argc, char **argv)
{
    int n = 0, bad = 0;
    for (int i = 1; i < argc; i++)
        bad |= replay(argv[i], &n);
    printf("replay: %d inputs, none crashed\n", n);
    return bad;
}
