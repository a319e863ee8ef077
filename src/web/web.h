/*
 * web.h — the server-rendered pages (Simplified Chinese, mobile first).
 * Their routes live in their own table, joined to the API's at start.
 *
 * A page handler builds a JSON context and calls web_page, which adds what
 * every page shows (site name, stylesheet link), renders the named template
 * from the site loaded at start (web/site.h) and sends it as HTML with the
 * pages' Content-Security-Policy. {{x}} escapes; no page template writes
 * raw data ({{{x}}}), and a new one may do so only for text the code wrote.
 */
#ifndef LL_WEB_H
#define LL_WEB_H
#include "http/http.h"

extern const route_t web_routes[];
extern const size_t web_nroutes;

/* Renders template view with ctx (reference stolen) plus the site-wide values, and sends it. */
int web_page(req_t *r, unsigned status, const char *view, json_t *ctx);
/* The 404 page, for a path the pages know but whose object does not exist. */
int web_not_found(req_t *r);

struct web_site;
/* 0 if site holds every template the handlers render; else -1 with "templates: …" in err. */
int web_check_site(const struct web_site *site, const char *templates_dir, char *err,
                   size_t errlen);

/* ---- shared by the page handlers (page.c) ---- */
struct web_form;
struct multipart;
struct listing;
/* 303 to a local url. */
int web_redirect(req_t *r, const char *url);
/* A short page with a heading, a sentence and one link onward. */
int web_message(req_t *r, unsigned status, const char *title, const char *text, const char *link,
                const char *link_label);
/* Parses the posted form and checks its CSRF token; -1 when refused (the page is already sent). */
int web_form_read(req_t *r, struct web_form *f);
/* Parses r's multipart upload into mp and checks its csrf part; -1 when refused, after sending a "页面已过期" page
 * saying text with one link back (400 for a body that cannot be read, 403 for a missing or wrong token). */
int web_upload_read(req_t *r, struct multipart *mp, const char *text, const char *link, const char *link_label);
/* The photo sanitiser's refusal with error code code, in Chinese (media/photo.h); otherwise for any other code. */
const char *web_photo_refusal(const char *code, const char *otherwise);
/* What sending a code to the signed-in account's own phone came to, for the page to show: 200 and the phone
 * masked, or 429/503 and the message for the code field. */
typedef struct web_code_sent {
    unsigned status;
    const char *sent_to, *error;
} web_code_sent_t;
/* Reads the posted form (CSRF checked) and sends a code for purpose to the account's own phone — never a number
 * typed in the form; 0 with *out filled, or -1 when the response is already sent. */
int web_own_phone_code(req_t *r, const char *purpose, web_code_sent_t *out);
/* An R_PAGE route's refusal as a page (server.page_refusal): sign-in, re-consent, or a message. */
int web_refusal(req_t *r, const char *code);
/* fen → "¥1,234.50"; no price → "面议". */
const char *web_price_text(arena_t *a, const struct listing *l);
/* "广州市·天河区", or the city alone. */
const char *web_place(req_t *r, const struct listing *l);
/* The thumbnail's address of a stored photo name. */
const char *web_thumb_url(arena_t *a, const char *photo);
/* A listing state in Chinese (待审核, 已发布 …) and what it means for the poster. */
const char *web_status_text(const char *status);
const char *web_status_explain(const char *status);
/* A city code (a known city) from text, or 0; the city the person picked (cookie), or 0. */
uint32_t web_city_code(req_t *r, const char *s);
uint32_t web_city_pref(req_t *r);
/* Provinces with their cities for the city <select> partial, the chosen one selected. */
json_t *web_city_options(req_t *r, uint32_t chosen);
/* Whether p is a path on this site (safe as a redirect target). */
bool web_local_path(const char *p);
/* Percent-encodes s for a query string. */
const char *web_url_escape(arena_t *a, const char *s);

int web_static_file(req_t *r);
int web_home(req_t *r);
int web_search(req_t *r);
int web_listing(req_t *r);
int web_login(req_t *r);
int web_login_code(req_t *r);
int web_login_submit(req_t *r);
int web_privacy(req_t *r);
int web_privacy_versions(req_t *r);
int web_api_inventory(req_t *r);
int web_api_sharing(req_t *r);
/* listing detail actions (browse_page.c) */
int web_listing_contact(req_t *r);
int web_listing_report(req_t *r);
/* posting and managing one's listings (post_page.c) */
int web_post(req_t *r);
int web_post_submit(req_t *r);
int web_my_listing(req_t *r);
int web_edit(req_t *r);
int web_edit_submit(req_t *r);
int web_photo_upload(req_t *r);
int web_photo_delete(req_t *r);
int web_my_renew(req_t *r);
int web_my_delete(req_t *r);
/* 我的 (me_page.c) */
int web_me(req_t *r);
int web_me_profile(req_t *r);
int web_me_history_clear(req_t *r);
int web_me_session_end(req_t *r);
int web_me_consents(req_t *r);
int web_me_message_read(req_t *r);
int web_logout(req_t *r);
int web_cancel(req_t *r);
int web_cancel_code(req_t *r);
int web_cancel_submit(req_t *r);
int web_consent(req_t *r);
int web_consent_accept(req_t *r);
/* statistics (stats_page.c) and the staff console (staff_page.c) */
int web_stats(req_t *r);
int web_staff(req_t *r);
int web_staff_decide(req_t *r);
int web_staff_verify(req_t *r);
int web_staff_block_add(req_t *r);
int web_staff_block_remove(req_t *r);

#endif
