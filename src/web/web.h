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

#endif
