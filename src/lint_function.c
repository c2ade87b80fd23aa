/*
 * lint_function.c — functions: a search_path the caller can change
 * (objects of the caller's schemas can take the place of the ones the
 * body means), and security definer functions that the API roles may
 * call through an exposed schema (splinter 0011, 0028, 0029).
 */
#include "lint.h"

#include <string.h>

void lint_function(Lint *l, const Decl *f)
{
    bool definer = f->attributes && strstr(f->attributes, "SECURITY DEFINER");
    bool fixed = f->attributes && strstr(f->attributes, "SET search_path");
    if (!fixed && definer)
        lint_warn(l, f, "definer_without_search_path", f->name.tok,
                  f->name.len, "security definer function \"%s\" has no "
                  "`set search_path`: a caller's objects can take the place "
                  "of the ones it means; write `set search_path = '';`",
                  f->name.name);
    else if (!fixed)
        lint_warn(l, f, "function_search_path_mutable", f->name.tok,
                  f->name.len, "function \"%s\" has a search_path the "
                  "caller sets: write `set search_path = '';` and qualify "
                  "the names in its body", f->name.name);
    /* as splinter: a function of a schema the API does not serve has no
     * /rpc endpoint, whoever may execute it (policies call such helpers) */
    if (!definer || !l->prog->supabase || !lint_exposed(l, f->schema))
        return;
    static const struct { const char *role, *rule; } api[] = {
        {"anon", "anon_security_definer_function_executable"},
        {"authenticated",
         "authenticated_security_definer_function_executable"},
    };
    for (int i = 0; i < 2; i++) {
        const MatrixCell *c = lint_cell(l, f, api[i].role, MCMD_EXECUTE);
        if (c && c->granted)  /* as has_function_privilege */
            lint_warn(l, f, api[i].rule, f->name.tok, f->name.len,
                      "%s may call security definer function \"%s\", "
                      "which runs with its owner's rights: `revoke execute "
                      "from public, %s;`, or make it security invoker",
                      api[i].role, f->name.name, api[i].role);
    }
}
