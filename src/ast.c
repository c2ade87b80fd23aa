/*
 * ast.c — names of the syntax tree's kinds, for messages.
 */
#include "schemac.h"

/* ORDER: follows DeclKind. */
static const char *const decl_names[] = {
    "platform", "extension", "role", "schema", "enum", "domain", "type",
    "table", "view", "materialized view", "function", "template", "bucket",
    "test", "publication", "sequence", "rows",
};

/* ORDER: follows ItemKind. */
static const char *const item_names[] = {
    "column", "constraint", "index", "row level security", "policy",
    "grant", "comment", "trigger", "partition by", "partition", "use",
    "view options", "query", "language", "attribute", "set", "body",
    "default privileges", "in role", "login", "allow", "audit",
    "transitions", "retain", "partitions", "bucket setting",
    "replica identity", "published table", "publish",
};

const char *decl_kind_name(DeclKind k)
{
    return decl_names[k];
}

const char *item_kind_name(ItemKind k)
{
    return item_names[k];
}

bool ast_is_procedure(const Decl *d)
{
    return d->kind == DECL_FUNCTION && tok_is(d->tok, "procedure");
}

bool ast_item_part(const Item *it, const char **name, const char **comment,
                   const Token **comment_tok)
{
    switch (it->kind) {
    case ITEM_CONSTRAINT:
        *name = it->u.constraint->name;
        *comment = it->u.constraint->comment;
        *comment_tok = it->u.constraint->comment_tok;
        return true;
    case ITEM_INDEX:
        *name = it->u.index->name;
        *comment = it->u.index->comment;
        *comment_tok = it->u.index->comment_tok;
        return true;
    case ITEM_POLICY:
        *name = it->u.policy->name.name;
        *comment = it->u.policy->comment;
        *comment_tok = it->u.policy->comment_tok;
        return true;
    case ITEM_TRIGGER:
        *name = it->u.trigger->name.name;
        *comment = it->u.trigger->comment;
        *comment_tok = it->u.trigger->comment_tok;
        return true;
    default:
        return false;
    }
}

const Constraint *ast_column_constraint(const Column *c, ConKind kind)
{
    for (int i = 0; i < c->cons.len; i++)
        if (((Constraint *)c->cons.items[i])->kind == kind)
            return c->cons.items[i];
    return NULL;
}
