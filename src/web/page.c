/*
 * page.c — the HTTP side of the pages: render a template into a response,
 * the 404 page, and the static files loaded at start.
 */
#include "web/web.h"
#include "base/log.h"
#include "http/server.h"
#include "web/site.h"
#include <stdio.h>
#include <string.h>

#define SITE_NAME "邻里"
/* a link carrying the current ?v= never goes stale, so it may be kept a year */
#define ASSET_CACHE_FOREVER "public, max-age=31536000, immutable"
#define ASSET_CACHE_CHECK   "no-cache"

/* Every template a handler names; a site without one of them does not start. */
static const char *const views[] = {"privacy", "privacy_versions", "not_found", "home", "search", "listing", "login"};

int web_check_site(const struct web_site *site, const char *templates_dir, char *err, size_t errlen)
{
    for (size_t i = 0; i < sizeof views / sizeof views[0]; i++)
        if (!web_site_view(site, views[i])) {
            snprintf(err, errlen, "%s/%s.html: missing (the pages need it)", templates_dir,
                     views[i]);
            return -1;
        }
    if (!web_site_asset(site, "site.css")) {
        snprintf(err, errlen, "site.css: missing from the static folder (every page links it)");
        return -1;
    }
    return 0;
}

int web_page(req_t *r, unsigned status, const char *view, json_t *ctx)
{
    const web_site_t *site = r->srv->site;
    json_object_set_new(ctx, "site_name", json_string(SITE_NAME));
    json_object_set_new(ctx, "signed_in", json_boolean(r->ctx.user_id != 0));
    json_object_set_new(
        ctx, "css",
        json_string(arena_printf(r->arena, "/static/site.css?v=%s", web_site_version(site))));
    tmpl_buf_t out;
    tmpl_buf_init(&out);
    int rc = web_site_render(site, view, ctx, &out);
    json_decref(ctx);
    if (rc) {
        tmpl_buf_free(&out);
        log_error(r->ctx.log, "web: template '%s' did not render", view);
        return http_error(r, "internal", NULL);
    }
    http_html(r, status, out.data, out.len);
    tmpl_buf_free(&out);
    return 0;
}

int web_not_found(req_t *r)
{
    return web_page(r, 404, "not_found", json_pack("{s:s}", "title", "页面不存在"));
}

int web_static_file(req_t *r)
{
    const char *name = strrchr(r->path, '/') + 1; /* the route's {file} */
    const web_asset_t *a = web_site_asset(r->srv->site, name);
    if (!a) return http_error(r, "not_found", NULL);
    const char *v = http_query(r, "v");
    bool current = v && !strcmp(v, web_site_version(r->srv->site));
    return http_static(r, a->type, a->data, a->len,
                       current ? ASSET_CACHE_FOREVER : ASSET_CACHE_CHECK);
}
