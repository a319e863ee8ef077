/*
 * site.h — the pages' templates and static files, read from disk once at start.
 *
 * web_site_load reads every NAME.html of the templates folder (NAME is 1 to 64
 * of [a-z0-9_]; other files are ignored), parses each one, and checks that
 * every partial a template includes ({{> NAME}}) is one of them; it reads
 * every file of the static folder into memory with its content type (an
 * unknown extension fails the load). Hidden files and sub-folders are skipped.
 *
 * What always holds: a loaded site never changes. Request threads share it
 * without locks; main owns it and frees it after the listener has stopped.
 * Page templates do not change delimiters ({{=...=}} fails the load), so the
 * partial check can read their source.
 */
#ifndef LL_WEB_SITE_H
#define LL_WEB_SITE_H
#include "web/tmpl.h"
#include <jansson.h>
#include <stddef.h>

#define WEB_TEMPLATE_MAX_BYTES (1u << 20) /* one template */
#define WEB_ASSET_MAX_BYTES    (4u << 20) /* one static file */

typedef struct web_site web_site_t;

typedef struct {
    char *name;       /* file name, as served under /static/ */
    const char *type; /* Content-Type */
    unsigned char *data;
    size_t len;
} web_asset_t;

/* Loads both folders; NULL with "PATH: why" in err if anything is missing or malformed. */
web_site_t *web_site_load(const char *templates_dir, const char *static_dir, char *err,
                          size_t errlen);
/* Frees a loaded site; NULL is ignored. */
void web_site_free(web_site_t *s);
/* The template NAME (without .html), or NULL. */
const tmpl_t *web_site_view(const web_site_t *s, const char *name);
/* The static file NAME, or NULL. */
const web_asset_t *web_site_asset(const web_site_t *s, const char *name);
/* Eight hex digits that change whenever a static file does, for links like site.css?v=… */
const char *web_site_version(const web_site_t *s);
/* Appends template NAME rendered with ctx to out; 0, or -1 if there is no such template. */
int web_site_render(const web_site_t *s, const char *name, json_t *ctx, tmpl_buf_t *out);

#endif
