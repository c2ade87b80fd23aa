/*
 * model_report.c — what an executable's report shows that only the
 * compiler knows: the declared access matrix (docs/matrix.md), cell by
 * cell with where each object is declared, and the lint's warnings.  The
 * executable compares the matrix with the one it reads off the live
 * catalog (src/runtime/report_matrix.c).
 */
#include "schemac.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *kind_word(MatrixKind k)
{
    switch (k) {
    case MOBJ_TABLE: return "table";
    case MOBJ_VIEW: return "view";
    case MOBJ_MATVIEW: return "matview";
    case MOBJ_FUNCTION: return "function";
    case MOBJ_BUCKET: return "bucket";
    }
    return "table";
}

static void matrix_cells(Arena *a, ModelFiles *f, const Program *p,
                         SctlSchema *s)
{
    Matrix m = matrix_build(a, p);
    int n = 0;
    for (int i = 0; i < m.objects.len; i++)
        n += ((MatrixObject *)m.objects.items[i])->cells.len;
    SctlAccessCell *cells = arena_alloc(a, sizeof *cells * (size_t)(n + 1));
    int k = 0;
    for (int i = 0; i < m.objects.len; i++) {
        const MatrixObject *o = m.objects.items[i];
        int line = 0, col = 0;
        int file = model_file(f, o->decl->name.tok, &line, &col);
        for (int c = 0; c < o->cells.len; c++) {
            const MatrixCell *cell = o->cells.items[c];
            cells[k++] = (SctlAccessCell){
                cell->role, o->name, kind_word(o->kind),
                matrix_command_name(cell->cmd), cell->access, file, line};
        }
    }
    s->cells = cells;
    s->ncells = k;
}

/* The lint's warnings, one line each ("file:line:col: warning: ..."),
 * without the source excerpts. */
static void lint_lines(Arena *a, const Program *p, SctlSchema *s)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (!out)
        return;
    Diag d;
    diag_init(&d, out);
    lint_program(a, p, &d, out);
    fclose(out);
    Vec lines = {0};
    for (char *line = text; line && *line;) {
        char *end = strchr(line, '\n');
        if (end)
            *end = '\0';
        if (line[0] != ' ' && strstr(line, ": warning: "))
            vec_push(a, &lines, arena_strdup(a, line));
        line = end ? end + 1 : NULL;
    }
    free(text);
    s->findings = (const char *const *)lines.items;
    s->nfindings = lines.len;
}

void model_report(Arena *a, ModelFiles *f, const Program *p, SctlSchema *s)
{
    matrix_cells(a, f, p, s);
    lint_lines(a, p, s);
}
