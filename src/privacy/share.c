/* share.c — the record of outbound shares, partners and their exports (see share.h). */
#include "privacy/share.h"
#include "base/conf.h"
#include "base/mem.h"
#include "base/result.h"
#include "domain/consent.h"
#include "domain/region.h"
#include "privacy/audit.h"
#include "privacy/pi.h"
#include "store/db.h"
#include "store/vault.h"
#include <ctype.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define PSEUDONYM_LEN 16 /* bytes of the keyed hash; 32 hex characters */

const share_item_t share_export_items[] = {
    {"pseudonym", "账号的去标识化编号（每个合作方各不相同的带密钥散列值，无法还原为账号）"},
    {"listings.city", "最近一条发布信息所在城市"},
    {"listings.category", "发布信息的类别"},
};
const size_t share_export_item_count = ARRAY_LEN(share_export_items);

const char *share_field_label(const char *id)
{
    for (size_t i = 0; i < share_export_item_count; i++)
        if (!strcmp(share_export_items[i].id, id)) return share_export_items[i].label;
    for (int i = 0; i < PI__COUNT; i++)
        if (!strcmp(pi_fields[i].ad, id)) return pi_fields[i].label;
    return NULL;
}

const char *share_url_host(arena_t *a, const char *url)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    const char *end = p + strcspn(p, "/?#");
    const char *at = memchr(p, '@', (size_t)(end - p));
    if (at) p = at + 1;
    size_t n = strcspn(p, ":/?#");
    return n ? arena_printf(a, "%.*s", (int)n, p) : "未配置";
}

static bool fields_ok(json_t *fields)
{
    if (!json_is_array(fields) || json_array_size(fields) == 0) return false;
    for (size_t i = 0; i < json_array_size(fields); i++) {
        const char *s = json_string_value(json_array_get(fields, i));
        if (!s || !share_field_label(s)) return false;
    }
    return true;
}

static const char SQL_SHARE[] = "INSERT INTO shares(at, recipient, region, fields, basis, reference, user_id, records) "
                                "VALUES (?,?,?,?,?,?,?,?)";

/* The row alone, inside the caller's transaction. */
static int insert_share(ctx_t *c, const char *recipient, const char *region, const char *fields, const char *basis,
                        const char *reference, int64_t user_id, int64_t records)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_SHARE);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, c->now);
    sqlite3_bind_text(st, 2, recipient, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, region, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, fields, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, basis, -1, SQLITE_STATIC);
    if (reference) sqlite3_bind_text(st, 6, reference, -1, SQLITE_STATIC);
    else sqlite3_bind_null(st, 6);
    if (user_id) sqlite3_bind_int64(st, 7, user_id);
    else sqlite3_bind_null(st, 7);
    sqlite3_bind_int64(st, 8, records);
    return db_run(c->db, st) ? LL_ERR : LL_OK;
}

static const char SQL_ACCOUNT[] = "SELECT 1 FROM users WHERE id = ?";

static bool account_exists(ctx_t *c, int64_t uid)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_ACCOUNT);
    if (!st) return false;
    sqlite3_bind_int64(st, 1, uid);
    bool found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_reset(st);
    return found;
}

int share_record(ctx_t *c, const char *recipient, const char *region, json_t *fields, const char *basis,
                 const char *reference, int64_t user_id, int64_t records)
{
    if (!recipient || !*recipient) return ctx_fail(c, LL_INVALID, "invalid_field", "recipient");
    if (!region || !*region) return ctx_fail(c, LL_INVALID, "invalid_field", "region");
    if (!basis || !*basis) return ctx_fail(c, LL_INVALID, "invalid_field", "basis");
    if (!fields_ok(fields)) return ctx_fail(c, LL_INVALID, "invalid_field", "fields");
    if (user_id && !account_exists(c, user_id)) /* a future account with this number must not inherit it */
        return ctx_fail(c, LL_NOTFOUND, "not_found", "user_id");
    char *text = json_dumps(fields, JSON_COMPACT);
    bool own = sqlite3_get_autocommit(db_handle(c->db));
    if (own && db_begin(c->db)) {
        free(text);
        return LL_ERR;
    }
    int res = insert_share(c, recipient, region, text, basis, reference, user_id, records);
    free(text);
    if (res == LL_OK) {
        int64_t id = db_last_id(c->db);
        res = audit_append(c, "share.recorded", c->user_id, user_id,
                           arena_printf(c->arena, "{\"share\":%lld,\"records\":%lld}", (long long)id,
                                        (long long)records))
                  ? LL_ERR
                  : LL_OK;
    }
    if (own) {
        if (res) db_rollback(c->db);
        else if (db_commit(c->db)) res = LL_ERR;
    }
    return res;
}

int share_record_sms(ctx_t *c, const char *field, const char *basis, int64_t user_id)
{
    if (strcmp(c->conf->sms_gateway, "http")) return LL_OK; /* the local outbox stays on the platform */
    json_t *fields = json_pack("[s]", field);
    int res = share_record(c, share_url_host(c->arena, c->conf->sms_http_url), c->conf->data_region, fields, basis,
                           NULL, user_id, 1);
    json_decref(fields);
    return res;
}

static const char SQL_OF[] = "SELECT id, at, recipient, region, fields, basis, reference, records FROM shares "
                             "WHERE user_id = ? ORDER BY at DESC, id DESC LIMIT 500";

int share_list_of(ctx_t *c, int64_t uid, share_t **items, size_t *n)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_OF);
    if (!st) return LL_ERR;
    sqlite3_bind_int64(st, 1, uid);
    share_t *v = arena_alloc(c->arena, 500 * sizeof(share_t));
    size_t k = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && k < 500) {
        v[k] = (share_t){.id = sqlite3_column_int64(st, 0), .at = sqlite3_column_int64(st, 1),
                         .recipient = db_text(c->arena, st, 2), .region = db_text(c->arena, st, 3),
                         .fields = db_text(c->arena, st, 4), .basis = db_text(c->arena, st, 5),
                         .reference = db_text(c->arena, st, 6), .records = sqlite3_column_int64(st, 7),
                         .user_id = uid};
        k++;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return LL_ERR;
    *items = v;
    *n = k;
    return LL_OK;
}

/* ---- partners ---- */

static bool region_code_ok(const char *r)
{
    return r && strlen(r) == 2 && isupper((unsigned char)r[0]) && isupper((unsigned char)r[1]);
}

static bool export_fields_ok(json_t *fields)
{
    if (!json_is_array(fields) || json_array_size(fields) == 0) return false;
    bool pseudonym = false;
    for (size_t i = 0; i < json_array_size(fields); i++) {
        const char *s = json_string_value(json_array_get(fields, i));
        bool known = false;
        for (size_t k = 0; s && k < share_export_item_count; k++)
            if (!strcmp(share_export_items[k].id, s)) known = true;
        if (!known) return false;
        if (!strcmp(s, "pseudonym")) pseudonym = true;
    }
    return pseudonym; /* a line without its pseudonym would be useless; with it, it is all a partner gets */
}

static const char SQL_PARTNER_ADD[] =
    "INSERT INTO partners(name, purpose, region, fields, created_at) VALUES (?,?,?,?,?)";

int share_partner_add(ctx_t *c, const char *name, const char *purpose, const char *region, json_t *fields,
                      int64_t *id)
{
    if (!name || !*name) return ctx_fail(c, LL_INVALID, "invalid_field", "name");
    if (!purpose || !*purpose) return ctx_fail(c, LL_INVALID, "invalid_field", "purpose");
    if (!region_code_ok(region)) return ctx_fail(c, LL_INVALID, "invalid_field", "region");
    if (!export_fields_ok(fields)) return ctx_fail(c, LL_INVALID, "invalid_field", "fields");
    char *text = json_dumps(fields, JSON_COMPACT);
    if (db_begin(c->db)) {
        free(text);
        return LL_ERR;
    }
    sqlite3_stmt *st = db_stmt(c->db, SQL_PARTNER_ADD);
    int res = LL_ERR;
    if (st) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, purpose, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, region, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 5, c->now);
        int rc = sqlite3_step(st);
        sqlite3_reset(st);
        if ((rc & 0xff) == SQLITE_CONSTRAINT) res = ctx_fail(c, LL_CONFLICT, "partner_exists", "name");
        else if (rc == SQLITE_DONE) res = LL_OK;
    }
    free(text);
    if (res == LL_OK) {
        *id = db_last_id(c->db);
        res = audit_append(c, "share.partner_added", c->user_id, 0,
                           arena_printf(c->arena, "{\"partner\":%lld}", (long long)*id))
                  ? LL_ERR
                  : LL_OK;
    }
    if (res) db_rollback(c->db);
    else if (db_commit(c->db)) res = LL_ERR;
    return res;
}

static const char SQL_PARTNERS[] =
    "SELECT id, name, purpose, region, fields, created_at FROM partners ORDER BY id LIMIT 1000";
static const char SQL_PARTNER_BY_NAME[] =
    "SELECT id, name, purpose, region, fields, created_at FROM partners WHERE name = ?";

static void partner_row(ctx_t *c, sqlite3_stmt *st, share_partner_t *p)
{
    *p = (share_partner_t){.id = sqlite3_column_int64(st, 0), .name = db_text(c->arena, st, 1),
                           .purpose = db_text(c->arena, st, 2), .region = db_text(c->arena, st, 3),
                           .fields = db_text(c->arena, st, 4), .created_at = sqlite3_column_int64(st, 5)};
}

int share_partners(ctx_t *c, share_partner_t **items, size_t *n)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_PARTNERS);
    if (!st) return LL_ERR;
    share_partner_t *v = arena_alloc(c->arena, 1000 * sizeof(share_partner_t));
    size_t k = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) partner_row(c, st, &v[k++]);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return LL_ERR;
    *items = v;
    *n = k;
    return LL_OK;
}

/* ---- the de-identified export (E4, F1) ---- */

/* Lines start {"id":"<pseudonym>": sorting the text sorts by pseudonym. */
static int cmp_lines(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* People whose latest decision for partner_sharing (and, if cross, cross_border) is a grant. */
static const char SQL_CONSENTING[] =
    "SELECT u.id FROM users u WHERE u.status = 'active' AND "
    "NOT (u.held_since IS NOT NULL AND u.guardian_consent_at IS NULL) AND " /* never a held child (H1) */
    "(SELECT granted FROM consents WHERE user_id = u.id AND purpose = 'partner_sharing' "
    "  ORDER BY at DESC, id DESC LIMIT 1) = 1 AND "
    "(?1 = 0 OR (SELECT granted FROM consents WHERE user_id = u.id AND purpose = 'cross_border' "
    "  ORDER BY at DESC, id DESC LIMIT 1) = 1) ORDER BY u.id";
static const char SQL_LATEST_CITY[] =
    "SELECT city FROM listings WHERE user_id = ? AND city IS NOT NULL ORDER BY created_at DESC, id DESC LIMIT 1";
static const char SQL_CATEGORIES[] = "SELECT DISTINCT category FROM listings WHERE user_id = ? ORDER BY category";

static bool has_item(json_t *fields, const char *id)
{
    for (size_t i = 0; i < json_array_size(fields); i++)
        if (!strcmp(json_string_value(json_array_get(fields, i)), id)) return true;
    return false;
}

/* The partner's own key: a sub-key of the blind root, bound to the partner's number. */
static void partner_key(ctx_t *c, int64_t partner, uint8_t key[VAULT_BLIND_LEN])
{
    const char *label = arena_printf(c->arena, "partner:%lld", (long long)partner);
    vault_blind(c->vault, VAULT_BI_PARTNER, label, strlen(label), key);
}

static const char *pseudonym(ctx_t *c, const uint8_t key[VAULT_BLIND_LEN], int64_t uid)
{
    uint8_t h[PSEUDONYM_LEN];
    char hex[PSEUDONYM_LEN * 2 + 1];
    const char *id = arena_printf(c->arena, "%lld", (long long)uid);
    crypto_generichash(h, sizeof h, (const uint8_t *)id, strlen(id), key, VAULT_BLIND_LEN);
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    return arena_strdup(c->arena, hex);
}

/* One JSON line of the export for uid, with only the partner's registered items. */
static int export_line(ctx_t *c, json_t *fields, const uint8_t key[VAULT_BLIND_LEN], int64_t uid, char **line)
{
    json_t *o = json_pack("{s:s}", "id", pseudonym(c, key, uid));
    int rc = SQLITE_DONE;
    if (has_item(fields, "listings.city")) {
        sqlite3_stmt *st = db_stmt(c->db, SQL_LATEST_CITY);
        if (!st) goto fail;
        sqlite3_bind_int64(st, 1, uid);
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            int64_t code = sqlite3_column_int64(st, 0);
            const char *name = c->regions ? region_name(c->regions, (uint32_t)code) : NULL;
            json_object_set_new(o, "city", json_integer(code));
            if (name) json_object_set_new(o, "city_name", json_string(name));
        } else {
            json_object_set_new(o, "city", json_null());
        }
        sqlite3_reset(st);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE) goto fail;
    }
    if (has_item(fields, "listings.category")) {
        json_t *cats = json_array();
        json_object_set_new(o, "categories", cats);
        sqlite3_stmt *st = db_stmt(c->db, SQL_CATEGORIES);
        if (!st) goto fail;
        sqlite3_bind_int64(st, 1, uid);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            json_array_append_new(cats, json_string((const char *)sqlite3_column_text(st, 0)));
        sqlite3_reset(st);
        if (rc != SQLITE_DONE) goto fail;
    }
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    *line = arena_strdup(c->arena, s);
    free(s);
    return LL_OK;
fail:
    json_decref(o);
    return LL_ERR;
}

/* The partner registered under name; LL_NOTFOUND (field "partner") if none. */
static int partner_by_name(ctx_t *c, const char *name, share_partner_t *p)
{
    sqlite3_stmt *st = db_stmt(c->db, SQL_PARTNER_BY_NAME);
    if (!st) return LL_ERR;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) partner_row(c, st, p);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE) return ctx_fail(c, LL_NOTFOUND, "not_found", "partner");
    return rc == SQLITE_ROW ? LL_OK : LL_ERR;
}

/* The accounts that agreed (and, for a partner abroad, agreed to cross-border transfer), in the arena. */
static int consenting(ctx_t *c, bool cross, int64_t **ids, size_t *n)
{
    size_t cap = 64;
    int rc;
    *n = 0;
    *ids = arena_alloc(c->arena, cap * sizeof **ids);
    sqlite3_stmt *st = db_stmt(c->db, SQL_CONSENTING);
    if (!st) return LL_ERR;
    sqlite3_bind_int(st, 1, cross);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            int64_t *bigger = arena_alloc(c->arena, 2 * cap * sizeof *bigger);
            memcpy(bigger, *ids, cap * sizeof *bigger);
            *ids = bigger, cap *= 2;
        }
        (*ids)[(*n)++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return LL_ERR;
    if (*n == 0)
        return ctx_fail(c, cross ? LL_DENIED : LL_NOTFOUND, cross ? "cross_border_refused" : "nobody_consented", NULL);
    return LL_OK;
}

/* One line per person, pseudonymised with the partner's own key. */
static int export_lines(ctx_t *c, const share_partner_t *p, json_t *fields, const int64_t *ids, size_t n,
                        char ***lines)
{
    uint8_t key[VAULT_BLIND_LEN];
    int res = LL_OK;
    *lines = arena_alloc(c->arena, n * sizeof(char *));
    partner_key(c, p->id, key);
    for (size_t i = 0; i < n && res == LL_OK; i++) res = export_line(c, fields, key, ids[i], &(*lines)[i]);
    sodium_memzero(key, sizeof key);
    return res;
}

/* The record: one row for the export as a whole, one per person so each can see it (E1), and the audit entry. */
static int record_export(ctx_t *c, const share_partner_t *p, const int64_t *ids, size_t n, bool cross)
{
    if (insert_share(c, p->name, p->region, p->fields, SHARE_BASIS_CONSENT, NULL, 0, (int64_t)n)) return LL_ERR;
    int64_t whole = db_last_id(c->db);
    for (size_t i = 0; i < n; i++)
        if (insert_share(c, p->name, p->region, p->fields, SHARE_BASIS_CONSENT, NULL, ids[i], 1)) return LL_ERR;
    return audit_append(c, "share.exported", 0, 0,
                        arena_printf(c->arena, "{\"partner\":%lld,\"share\":%lld,\"records\":%zu,\"cross_border\":%s}",
                                     (long long)p->id, (long long)whole, n, cross ? "true" : "false"))
               ? LL_ERR
               : LL_OK;
}

int share_export(ctx_t *c, const char *name, FILE *out, int64_t *count)
{
    share_partner_t p;
    json_t *fields = NULL;
    int64_t *ids;
    char **lines;
    size_t n = 0;
    *count = 0;
    if (db_begin(c->db)) return LL_ERR;
    int res = partner_by_name(c, name, &p);
    if (res) goto done;
    res = LL_ERR;
    if (!(fields = json_loads(p.fields, 0, NULL))) goto done;
    bool cross = strcmp(p.region, c->conf->data_region) != 0;
    /* who is in it, their lines and the record, all from one snapshot */
    if ((res = consenting(c, cross, &ids, &n)) || (res = export_lines(c, &p, fields, ids, n, &lines)) ||
        (res = record_export(c, &p, ids, n, cross)))
        goto done;
    if ((res = db_commit(c->db) ? LL_ERR : LL_OK)) goto done;
    /* in pseudonym order: line i must not be the same person in every partner's file (E4) */
    qsort(lines, n, sizeof lines[0], cmp_lines);
    for (size_t i = 0; i < n; i++) fprintf(out, "%s\n", lines[i]);
    *count = (int64_t)n;
    res = fflush(out) ? LL_ERR : LL_OK;
done:
    if (db_in_txn(c->db)) db_rollback(c->db);
    json_decref(fields);
    return res;
}
