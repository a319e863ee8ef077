/*
 * policy_page.h — the published privacy policy, generated from the
 * declarations (E7, H4): the data behind /privacy, /privacy/versions,
 * /api/v1/privacy/inventory and /api/v1/privacy/sharing.
 *
 * What always holds: every PI(...) of pi_decl.h appears in the inventory
 * once, in declaration order, with the anchor its row carries on /privacy;
 * the sharing list is computed from the declarations' share bits and the
 * configured outside services and the partners table, so a new share cannot stay unpublished.
 * The builders are pure: no database, no request.
 */
#ifndef LL_WEB_POLICY_PAGE_H
#define LL_WEB_POLICY_PAGE_H
#include "base/arena.h"
#include "base/conf.h"
#include "base/ctx.h"
#include "http/http.h"
#include "privacy/share.h"
#include <jansson.h>
#include <stdint.h>

/* The anchor of a field's row on /privacy: "pi-TABLE-COLUMN". */
const char *web_pi_anchor(arena_t *a, int field);
/* The 已收集个人信息清单: one object per declared PI field (see docs/api.md). */
json_t *web_pi_inventory(arena_t *a);
/* The same fields grouped by category, in category order, empty categories left out. */
json_t *web_pi_by_category(arena_t *a);
/* The fields kept for a limited time (days or a legal period), for the retention section. */
json_t *web_pi_time_limited(arena_t *a);
/* The 第三方共享个人信息清单: {"recipients": [...], "sdks": [], "statement": "..."}. */
json_t *web_pi_sharing(arena_t *a, const conf_t *conf);
/* The same list with the registered partners (E4, E7) after the configured services. */
json_t *web_pi_sharing_with(arena_t *a, const conf_t *conf, const share_partner_t *partners, size_t npartners);
/* The policy's content now, as compact JSON in the context's arena: what publishing a version freezes (H4). */
char *web_policy_snapshot(ctx_t *c);
/* GET /privacy/versions/{id}: a version as it was published (H4). */
int web_privacy_version(req_t *r);
/* GET /api/v1/policy/versions/{id}: a version's metadata and its content as published (H4). */
int web_api_policy_version(req_t *r);
/* A date in China Standard Time: "2026年11月1日"; iso gets "2026-11-01" when not NULL. */
const char *web_date_cn(arena_t *a, int64_t t, const char **iso);

#endif
