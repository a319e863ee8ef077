/*
 * share.h — every outbound share of personal information, recorded (E1–E4, F1).
 *
 * Whatever leaves the platform goes through here: the SMS provider receiving
 * a phone number, a disclosure to an authority (with its legal document), a
 * de-identified export to a registered partner. Each share is one row in
 * `shares` (recipient, region, declared fields, legal basis, reference, the
 * person, the number of records) and one audit entry; a person sees the rows
 * about them (GET /api/v1/me/shares).
 *
 * Invariants: fields are declared ids (pi_decl.h "table.column") or, for a
 * partner, the export's own items (share_export_items); a partner export
 * holds no direct identifier — only a pseudonym made with a key derived from
 * the vault's blind root and the partner id, so two partners' exports cannot
 * be joined and nobody without the key can link one back; a partner outside
 * data_region receives only people who also granted "cross_border".
 */
#ifndef LL_SHARE_H
#define LL_SHARE_H
#include "base/arena.h"
#include "base/ctx.h"
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SHARE_BASIS_CONSENT  "您的单独同意"
#define SHARE_BASIS_CONTRACT "订立、履行您作为一方当事人的合同所必需"
#define SHARE_BASIS_LAW      "法定义务"

/* One item a partner export can carry: id and 名称 (published). */
typedef struct {
    const char *id, *label;
} share_item_t;
extern const share_item_t share_export_items[];
extern const size_t share_export_item_count;

typedef struct {
    int64_t id, at, user_id, records;
    const char *recipient, *region, *fields, *basis, *reference; /* fields: JSON array text */
} share_t;

typedef struct {
    int64_t id, created_at;
    const char *name, *purpose, *region, *fields; /* fields: JSON array text */
} share_partner_t;

/* The Chinese label of a share field id (declared field or export item), or NULL if unknown. */
const char *share_field_label(const char *id);
/*
 * Records one share: fields is a JSON array of known field ids; user_id 0 when
 * the share is about no one person (or unknown). Joins the caller's
 * transaction if one is open. LL_INVALID with an unknown field or empty value.
 */
int share_record(ctx_t *c, const char *recipient, const char *region, json_t *fields, const char *basis,
                 const char *reference, int64_t user_id, int64_t records);
/*
 * One message handed to the SMS provider (sms_gateway = http): field is the
 * declared number it received (users.phone, users.guardian_phone), user_id the
 * person it belongs to. Nothing for the local outbox, which stays on the platform.
 */
int share_record_sms(ctx_t *c, const char *field, const char *basis, int64_t user_id);
/* The shares about uid, newest first, at most 500. */
int share_list_of(ctx_t *c, int64_t uid, share_t **items, size_t *n);
/* The host of an http(s) URL, without credentials, port or path ("未配置" when empty). */
const char *share_url_host(arena_t *a, const char *url);

/* Registers a partner; region is an ISO 3166 alpha-2 code; fields are export items. */
int share_partner_add(ctx_t *c, const char *name, const char *purpose, const char *region, json_t *fields,
                      int64_t *id);
/* Every registered partner, oldest first. */
int share_partners(ctx_t *c, share_partner_t **items, size_t *n);
/*
 * Writes the de-identified JSONL export for the partner named name to out and
 * records it (one summary row with records = N, one row per included person).
 * *count = N. LL_NOTFOUND: no such partner; LL_DENIED (err_code
 * "cross_border_refused"): the partner is outside data_region and nobody
 * consented; nothing is written or recorded on any failure.
 */
int share_export(ctx_t *c, const char *name, FILE *out, int64_t *count);

#endif
