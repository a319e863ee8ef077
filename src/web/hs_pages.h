/*
 * hs_pages.h — the home-services pages (到家服务, JX) and memberships (A6):
 * finding and ordering services (services_page.c), one's orders and each
 * party's view of an order (orders_page.c), the merchant's side and the
 * staff's merchant review (merchant_page.c), 会员 (membership_page.c).
 *
 * What always holds: every value shown comes from the same domain call the
 * JSON API makes (svc_find, svc_get, order_view, review_list, vip_get …), so
 * a page shows exactly the domain's view — in particular the merchant sees
 * the customer's phone and address only when order_view opens them (C8, E6).
 * Someone else's order, service or merchant answers the site's 404 page;
 * every change is a POST with the CSRF token, answered 303 (POST-redirect-GET)
 * with a ?done= code that names a fixed sentence.
 */
#ifndef LL_WEB_HS_PAGES_H
#define LL_WEB_HS_PAGES_H
#include "http/http.h"
#include <jansson.h>
#include <stdint.h>

/* ---- shared by the four modules (services_page.c) ---- */
/* fen → "¥1,234.50" */
const char *web_hs_yuan(arena_t *a, int64_t fen);
/* Beijing wall-clock time: "5月20日（周三）10:00" */
const char *web_hs_when(arena_t *a, int64_t t);
/* "广州市·天河区", the city alone, or "" */
const char *web_hs_place(req_t *r, int64_t city, int64_t district);
/* An order state in Chinese (待支付, 服务中 …) */
const char *web_hs_status_text(const char *status);
/* "4.5 分（2 条评价）" or "暂无评价" */
const char *web_hs_rating(arena_t *a, int64_t sum, int64_t count);
/* The fixed sentence of a ?done= code from list (ended by {NULL, NULL}), or NULL. */
typedef struct {
    const char *done, *text;
} web_hs_done_t;
void web_hs_set_done(req_t *r, json_t *ctx, const web_hs_done_t *list);

/* services_page.c: finding, one service, ordering it */
int web_services(req_t *r);
int web_service(req_t *r);
int web_order_form(req_t *r);
int web_order_submit(req_t *r);
/* orders_page.c: the customer's list, one order (either party), its moves, paying, reviewing */
int web_my_orders(req_t *r);
int web_merchant_orders(req_t *r);
int web_order(req_t *r);
int web_order_pay(req_t *r);
int web_order_move(req_t *r);
int web_order_review(req_t *r);
int web_order_review_photo(req_t *r);
int web_pay_return(req_t *r);
/* merchant_page.c: applying, one's services, and the staff's review queue */
int web_merchant(req_t *r);
int web_merchant_apply(req_t *r);
int web_merchant_apply_submit(req_t *r);
int web_service_new(req_t *r);
int web_service_create(req_t *r);
int web_staff_merchants(req_t *r);
int web_staff_merchant_review(req_t *r);
int web_staff_merchant_license(req_t *r);
/* membership_page.c: 会员 (A6) */
int web_membership(req_t *r);
int web_membership_buy(req_t *r);
int web_membership_cancel(req_t *r);

#endif
