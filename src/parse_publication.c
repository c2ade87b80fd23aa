/*
 * parse_publication.c — logical replication: publications (which tables'
 * changes leave the database, and which kinds of change), and a table's
 * replica identity (what an update or delete carries of the old row).
 */
#include "parse.h"

#include <string.h>

/* publication = "publication" ident ["for" "all" "tables"] (";" | body) */
bool parse_publication_head(Parser *p, Decl *d)
{
    Ident id;
    if (!parse_ident(p, &id, "a publication name"))
        return false;
    d->name = (QName){id.tok, id.tok->len, NULL, id.name};
    if (parse_accept(p, "for")) {
        if (!parse_expect(p, "all") || !parse_expect(p, "tables"))
            return false;
        d->all_tables = true;
    }
    return true;
}

/* table = "table" qname ["(" ident ("," ident)* ")"] ["where" "(" expr ")"] ";" */
static bool parse_pub_table(Parser *p, Vec *items)
{
    PubTable *t = arena_alloc(p->arena, sizeof *t);
    t->tok = parse_next(p);
    if (!parse_qname(p, &t->name, "a table name"))
        return false;
    if (parse_accept_punct(p, '(')) {
        if (!parse_ident_list(p, &t->cols, "a column name") ||
            !parse_expect_punct(p, ')', "the column names"))
            return false;
    }
    if (parse_accept(p, "where") &&
        !parse_parens(p, &t->where, "'(' and the row filter"))
        return false;
    Item *it = parse_new_item(p, ITEM_PUB_TABLE, t->tok);
    it->u.pub_table = t;
    vec_push(p->arena, items, it);
    return parse_expect_punct(p, ';', "the published table");
}

/* publish = "publish" action ("," action)* ";" */
static bool parse_publish(Parser *p, Vec *items)
{
    Item *it = parse_new_item(p, ITEM_PUBLISH, parse_next(p));
    if (!parse_ident_list(p, &it->u.publish,
                          "insert, update, delete or truncate"))
        return false;
    vec_push(p->arena, items, it);
    return parse_expect_punct(p, ';', "the published actions");
}

/* pub-item = table | publish | comment */
bool parse_publication_item(Parser *p, Vec *items)
{
    const Token *t = parse_cur(p);
    if (tok_is(t, "table"))
        return parse_pub_table(p, items);
    if (tok_is(t, "publish"))
        return parse_publish(p, items);
    if (tok_is(t, "comment"))
        return parse_common_item(p, items);
    parse_error_expected(p, "a publication item (table, publish, comment)");
    return false;
}

/* replica = "replica" "identity" ("default" | "full" | "nothing"
 *                                | "using" "index" ident) ";" */
bool parse_replica(Parser *p, Vec *items)
{
    Replica *r = arena_alloc(p->arena, sizeof *r);
    r->tok = parse_next(p);
    if (!parse_expect(p, "identity"))
        return false;
    if (parse_accept(p, "default"))
        r->mode = "DEFAULT";
    else if (parse_accept(p, "full"))
        r->mode = "FULL";
    else if (parse_accept(p, "nothing"))
        r->mode = "NOTHING";
    else if (parse_accept(p, "using")) {
        r->mode = "INDEX";
        if (!parse_expect(p, "index") ||
            !parse_ident(p, &r->index, "an index name"))
            return false;
    } else {
        parse_error_expected(p, "default, full, nothing or using index");
        return false;
    }
    Item *it = parse_new_item(p, ITEM_REPLICA, r->tok);
    it->u.replica = r;
    vec_push(p->arena, items, it);
    return parse_expect_punct(p, ';', "the replica identity");
}
