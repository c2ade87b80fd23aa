/*
 * lint_rls.c — row level security on tables: off (no_rls, and
 * sensitive_columns_exposed when API roles read such a table), on with no
 * policy, or policies written on a table where it is off.
 */
#include "lint.h"

#include <string.h>

/* Column names that hold secrets or personal data (splinter 0023). */
static const char *const sensitive[] = {
    "password", "passwd", "pwd", "password_hash", "secret", "secret_key",
    "api_key", "apikey", "token", "access_token", "refresh_token",
    "auth_token", "ssn", "social_security_number", "credit_card",
    "card_number", "cvv", "cvc", "iban", "bank_account", "account_number",
    "tax_id", "passport_number", "drivers_license", "private_key", NULL,
};

static const Column *sensitive_column(const Decl *t)
{
    for (int i = 0; i < t->columns.len; i++) {
        const Column *c = t->columns.items[i];
        for (int k = 0; sensitive[k]; k++)
            if (strcmp(c->name.name, sensitive[k]) == 0)
                return c;
    }
    return NULL;
}

void lint_tables_rls(Lint *l, const Decl *t)
{
    const Item *rls = NULL, *first_policy = NULL;
    int policies = 0;
    l->tables++;
    for (int i = 0; i < t->items.len; i++) {
        const Item *it = t->items.items[i];
        rls = it->kind == ITEM_RLS ? it : rls;
        if (it->kind == ITEM_POLICY && !first_policy)
            first_policy = it;
        policies += it->kind == ITEM_POLICY;
    }
    l->rls += rls != NULL;
    if (!rls) {
        lint_warn(l, t, "no_rls", t->name.tok, t->name.len,
                  "table \"%s\" has no row level security: write `row "
                  "level security;` and policies", t->name.name);
        const char *role = lint_api_role(l, t, MCMD_SELECT);
        const Column *c = role ? sensitive_column(t) : NULL;
        if (c)
            lint_warn(l, t, "sensitive_columns_exposed", c->name.tok, 0,
                      "column \"%s\" of \"%s\" looks sensitive and %s "
                      "reads every row: turn on row level security",
                      c->name.name, t->name.name, role);
    }
    if (rls && !policies)
        lint_warn(l, t, "rls_without_policy", rls->tok, 0,
                  "row level security on \"%s\" with no policy: only roles "
                  "that bypass it see any row; add a policy",
                  t->name.name);
    if (!rls && first_policy)
        lint_warn(l, t, "policy_exists_rls_disabled",
                  first_policy->u.policy->name.tok, 0,
                  "policy \"%s\" on \"%s\" has no effect: row level "
                  "security is off; write `row level security;`",
                  first_policy->u.policy->name.name, t->name.name);
}
