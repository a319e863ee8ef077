/*
 * subject.c — export and erasure of one person's data (see subject.h).
 * Table and column names come from pi_decl.h (constants), never from input.
 */
#include "privacy/subject.h"
#include "base/arena.h"
#include "base/mem.h"
#include "base/result.h"
#include "privacy/pi.h"
#include "store/db.h"
#include <sodium.h>
#include <string.h>

static json_t *purposes_json(unsigned bits)
{
    json_t *a = json_array();
    for (unsigned b = 1; b < (1u << P__COUNT); b <<= 1)
        if ((bits & b) && b != P_EXPORT) json_array_append_new(a, json_string(pi_purpose_label(b)));
    return a;
}

/* One stored value as the person should see it. */
static json_t *value_json(ctx_t *c, const pi_field_t *f, pi_id_t id, sqlite3_stmt *st, const uint8_t *dek)
{
    int type = sqlite3_column_type(st, 0);
    if (f->flags & (F_BLIND | F_HASHED)) return json_string("（不可还原的单向散列值，仅用于核对）");
    if (f->flags & F_ENCRYPT) {
        char *v = NULL;
        size_t len = (size_t)sqlite3_column_bytes(st, 0);
        if (type != SQLITE_BLOB ||
            pi_open(c->arena, id, P_EXPORT, dek, sqlite3_column_blob(st, 0), len, &v) != LL_OK)
            return json_string("（无法解密）");
        if (f->flags & F_MASKED_ONLY) return json_string(pi_mask(c->arena, id, v)); /* C1: never in full again */
        if (!(f->flags & F_BINARY)) return json_string(v);
        /* bytes (a voice note, a photo): base64, so the export stays one JSON document */
        size_t n = len - VAULT_HDR_LEN - VAULT_TAG_LEN, b64 = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
        char *out = arena_alloc(c->arena, b64);
        sodium_bin2base64(out, b64, (const unsigned char *)v, n, sodium_base64_VARIANT_ORIGINAL);
        return json_pack("{s:s, s:s}", "encoding", "base64", "data", out);
    }
    if (type == SQLITE_INTEGER) return json_integer(sqlite3_column_int64(st, 0));
    if (type == SQLITE_FLOAT) return json_real(sqlite3_column_double(st, 0));
    const char *s = (const char *)sqlite3_column_text(st, 0);
    return s ? json_string(s) : json_null();
}

static int field_values(ctx_t *c, pi_id_t id, const char *where, int64_t uid, const uint8_t *dek, json_t *values)
{
    const pi_field_t *f = &pi_fields[id];
    /* G5: every value, however many (no LIMIT: a person with years of chat gets all of it) */
    const char *sql = arena_printf(c->arena, "SELECT \"%s\" FROM \"%s\" WHERE (%s) AND \"%s\" IS NOT NULL",
                                   f->column, f->table, where, f->column);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_handle(c->db), sql, -1, &st, NULL) != SQLITE_OK) return LL_ERR;
    sqlite3_bind_int64(st, 1, uid);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) json_array_append_new(values, value_json(c, f, id, st, dek));
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? LL_OK : LL_ERR;
}

static json_t *field_json(ctx_t *c, pi_id_t id)
{
    const pi_field_t *f = &pi_fields[id];
    return json_pack("{s:s, s:s, s:o, s:s, s:s, s:b}", "field", f->ad, "label", f->label, "purposes",
                     purposes_json(f->purposes), "basis", pi_basis_label(f->basis), "retention",
                     pi_retention_label(c->arena, id), "encrypted", (f->flags & F_ENCRYPT) != 0);
}

int subject_export(ctx_t *c, int64_t uid, json_t **out)
{
    uint8_t dek[VAULT_KEY_LEN];
    int res = pi_subject_key(c, uid, dek);
    if (res) return res;
    json_t *cats = json_array();
    for (int cat = 0; cat < CAT__COUNT && res == LL_OK; cat++) {
        json_t *fields = json_array();
        for (int i = 0; i < PI__COUNT && res == LL_OK; i++) {
            if (pi_fields[i].cat != (pi_cat_t)cat) continue;
            const pi_owner_t *o = pi_owner(pi_fields[i].table);
            json_t *fj = field_json(c, (pi_id_t)i), *values = json_array();
            json_object_set_new(fj, "linked", json_boolean(o && o->where));
            if (o && o->where) res = field_values(c, (pi_id_t)i, o->where, uid, dek, values);
            else
                json_object_set_new(fj, "note", json_string("这类数据无法关联到您的账号（带密钥的散列值，或由您已列出的信息派生的检索索引）"));
            json_object_set_new(fj, "values", values);
            json_array_append_new(fields, fj);
        }
        if (json_array_size(fields))
            json_array_append_new(cats, json_pack("{s:s, s:o}", "category", pi_cat_label((pi_cat_t)cat), "fields", fields));
        else
            json_decref(fields);
    }
    sodium_memzero(dek, sizeof dek);
    if (res) {
        json_decref(cats);
        return res;
    }
    *out = json_pack("{s:I, s:o}", "account", (json_int_t)uid, "categories", cats);
    return LL_OK;
}

/* True if every personal field of the table must be kept by law (the security audit log). */
static bool kept_by_law(const char *table)
{
    bool any = false;
    for (int i = 0; i < PI__COUNT; i++) {
        if (strcmp(pi_fields[i].table, table)) continue;
        if (!(pi_fields[i].flags & F_KEPT_BY_LAW)) return false;
        any = true;
    }
    return any;
}

/* Why the rows of a table kept by law stay after cancellation (the receipt says it to the person). */
static const char *kept_reason(const char *table)
{
    if (!strcmp(table, "shares"))
        return "依法保存的个人信息共享记录（三年），仅含账号编号、接收方与信息种类，不含信息本身；期满后删除";
    if (!strcmp(table, "membership_orders")) /* its tie to the person was cut just before (vip_erase_prepare) */
        return "电子商务法要求保存的会员交易记录（订单号、套餐、金额、时间，三年）；已删除其中您的账号，无法再关联到您";
    return "法律要求保存的安全审计日志（不少于六个月），仅含账号编号，不含手机号、姓名等信息；期满后删除";
}

int subject_erase(ctx_t *c, int64_t uid, json_t **receipt)
{
    json_t *erased = json_array(), *kept = json_array();
    /* children first: the declarations list parents (users) before the tables that point at them */
    for (size_t k = pi_owner_count; k-- > 0;) {
        const pi_owner_t *o = &pi_owners[k];
        if (!o->where) continue;
        if (kept_by_law(o->table)) {
            json_array_append_new(kept, json_pack("{s:s, s:s}", "table", o->table, "reason",
                                                  kept_reason(o->table)));
            continue;
        }
        const char *sql = arena_printf(c->arena, "DELETE FROM \"%s\" WHERE %s", o->table, o->where);
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db_handle(c->db), sql, -1, &st, NULL) != SQLITE_OK) goto fail;
        sqlite3_bind_int64(st, 1, uid);
        int rc = sqlite3_step(st);
        int n = sqlite3_changes(db_handle(c->db));
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) goto fail;
        json_array_append_new(erased, json_pack("{s:s, s:i}", "table", o->table, "rows", n));
    }
    *receipt = json_pack("{s:o, s:o, s:s}", "erased", erased, "kept", kept, "key",
                         "您的数据密钥已从独立的密钥库中销毁；数据备份不含密钥，其中您的加密信息从此无法解密，恢复备份时其余数据随即删除");
    return LL_OK;
fail:
    db_log_error(c->db, "erase");
    json_decref(erased);
    json_decref(kept);
    return LL_ERR;
}
