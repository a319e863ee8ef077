/*
 * site.c — loads the templates and static files once (see site.h).
 *
 * Both lists are sorted by name after loading, so lookups are binary searches
 * and the static files' version hash does not depend on directory order.
 * Every failure path goes through one `fail` that writes "PATH: why".
 */
#include "web/site.h"
#include "base/mem.h"
#include <dirent.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NAME_MAX_LEN 64 /* a template's name, without .html */

typedef struct {
    char *name;
    tmpl_t *t;
    char *src; /* kept for the partial check, freed after it */
    size_t len;
} view_t;

struct web_site {
    view_t *views;
    size_t nviews;
    web_asset_t *assets;
    size_t nassets;
    char version[9];
};

__attribute__((format(printf, 3, 4))) static void fail(char *err, size_t errlen, const char *fmt,
                                                       ...)
{
    if (!err || !errlen) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* Reads a regular file of at most max bytes; NULL with err set otherwise. */
static unsigned char *read_file(const char *path, size_t max, size_t *len, char *err, size_t errlen)
{
    unsigned char *buf = NULL;
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f) {
        fail(err, errlen, "%s: cannot open", path);
        return NULL;
    }
    if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
        fail(err, errlen, "%s: not a regular file", path);
        goto done;
    }
    if ((uintmax_t)st.st_size > max) {
        fail(err, errlen, "%s: larger than %zu bytes", path, max);
        goto done;
    }
    *len = (size_t)st.st_size;
    buf = mem_alloc(*len + 1);
    if (fread(buf, 1, *len, f) != *len) {
        fail(err, errlen, "%s: read failed", path);
        free(buf);
        buf = NULL;
        goto done;
    }
    buf[*len] = '\0';
done:
    fclose(f);
    return buf;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int view_by_name(const void *a, const void *b)
{
    return strcmp(((const view_t *)a)->name, ((const view_t *)b)->name);
}

/* The names of the regular, non-hidden files of dir, sorted; NULL with err if dir cannot be read.
 */
static char **list_dir(const char *dir, size_t *n, char *err, size_t errlen)
{
    DIR *d = opendir(dir);
    if (!d) {
        fail(err, errlen, "%s: cannot open the folder (set templates_dir / static_dir)", dir);
        return NULL;
    }
    size_t cap = 16;
    char **names = mem_alloc(cap * sizeof *names);
    *n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char path[1024];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (stat(path, &st) || !S_ISREG(st.st_mode)) continue;
        if (*n == cap) names = mem_realloc(names, (cap *= 2) * sizeof *names);
        names[(*n)++] = mem_strdup(e->d_name);
    }
    closedir(d);
    qsort(names, *n, sizeof *names, by_name);
    return names;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* NAME of NAME.html if it is a template name, else NULL. */
static char *view_name(const char *file)
{
    size_t len = strlen(file);
    if (len <= 5 || strcmp(file + len - 5, ".html")) return NULL;
    char *name = mem_alloc(len - 4);
    memcpy(name, file, len - 5);
    name[len - 5] = '\0';
    return name;
}

static bool valid_view_name(const char *s, size_t n)
{
    if (n == 0 || n > NAME_MAX_LEN) return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return false;
    return true;
}

static const view_t *find_view(const web_site_t *s, const char *name, size_t n)
{
    size_t lo = 0, hi = s->nviews;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strncmp(s->views[mid].name, name, n);
        if (c == 0 && s->views[mid].name[n] != '\0') c = 1;
        if (c == 0) return &s->views[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int load_views(web_site_t *s, const char *dir, char *err, size_t errlen)
{
    size_t n;
    char **files = list_dir(dir, &n, err, errlen);
    if (!files) return -1;
    int rc = -1;
    s->views = mem_calloc(n ? n : 1, sizeof *s->views);
    for (size_t i = 0; i < n; i++) {
        char *name = view_name(files[i]);
        if (!name) continue;
        char path[1024], why[256];
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        view_t *v = &s->views[s->nviews++];
        v->name = name;
        if (!valid_view_name(name, strlen(name))) {
            fail(err, errlen, "%s: a template's name is 1 to %d of a-z, 0-9 and _", path,
                 NAME_MAX_LEN);
            goto done;
        }
        v->src = (char *)read_file(path, WEB_TEMPLATE_MAX_BYTES, &v->len, err, errlen);
        if (!v->src) goto done;
        if (strstr(v->src, "{{=")) {
            fail(err, errlen, "%s: page templates keep the {{ }} delimiters", path);
            goto done;
        }
        v->t = tmpl_parse(v->src, v->len, why, sizeof why);
        if (!v->t) {
            fail(err, errlen, "%s: %s", path, why);
            goto done;
        }
    }
    if (s->nviews == 0) {
        fail(err, errlen, "%s: no .html templates", dir);
        goto done;
    }
    qsort(s->views, s->nviews, sizeof *s->views, view_by_name);
    rc = 0;
done:
    free_names(files, n);
    return rc;
}

/* Every {{> NAME}} names a loaded template. */
static int check_partials(web_site_t *s, const char *dir, char *err, size_t errlen)
{
    for (size_t i = 0; i < s->nviews; i++) {
        const char *p = s->views[i].src;
        while ((p = strstr(p, "{{>")) != NULL) {
            p += 3;
            while (*p == ' ' || *p == '\t')
                p++;
            size_t n = strcspn(p, " \t\r\n}");
            if (!find_view(s, p, n)) {
                fail(err, errlen, "%s/%s.html: partial '%.*s' is not a template in that folder",
                     dir, s->views[i].name, (int)(n < NAME_MAX_LEN ? n : NAME_MAX_LEN), p);
                return -1;
            }
        }
    }
    for (size_t i = 0; i < s->nviews; i++) {
        free(s->views[i].src);
        s->views[i].src = NULL;
    }
    return 0;
}

static const char *content_type(const char *name)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".webp", "image/webp"},
        {".txt", "text/plain; charset=utf-8"},
    };
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < ARRAY_LEN(types); i++)
        if (!strcmp(dot, types[i].ext)) return types[i].type;
    return NULL;
}

/* FNV-1a over every file's name and bytes: a cache-busting tag, not a security measure. */
static void hash_assets(web_site_t *s)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i < s->nassets; i++) {
        const web_asset_t *a = &s->assets[i];
        for (const char *c = a->name; *c; c++)
            h = (h ^ (unsigned char)*c) * 0x100000001b3u;
        for (size_t k = 0; k < a->len; k++)
            h = (h ^ a->data[k]) * 0x100000001b3u;
    }
    snprintf(s->version, sizeof s->version, "%08x", (unsigned)(h ^ (h >> 32)));
}

static int load_assets(web_site_t *s, const char *dir, char *err, size_t errlen)
{
    size_t n;
    char **files = list_dir(dir, &n, err, errlen);
    if (!files) return -1;
    int rc = -1;
    s->assets = mem_calloc(n ? n : 1, sizeof *s->assets);
    for (size_t i = 0; i < n; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        const char *type = content_type(files[i]);
        if (!type) {
            fail(err, errlen,
                 "%s: unknown file type (static files are .css .js .svg .png .ico .webp .txt)",
                 path);
            goto done;
        }
        web_asset_t *a = &s->assets[s->nassets];
        a->data = read_file(path, WEB_ASSET_MAX_BYTES, &a->len, err, errlen);
        if (!a->data) goto done;
        a->name = mem_strdup(files[i]);
        a->type = type;
        s->nassets++;
    }
    hash_assets(s);
    rc = 0;
done:
    free_names(files, n);
    return rc;
}

web_site_t *web_site_load(const char *templates_dir, const char *static_dir, char *err,
                          size_t errlen)
{
    web_site_t *s = mem_calloc(1, sizeof *s);
    if (load_views(s, templates_dir, err, errlen) ||
        check_partials(s, templates_dir, err, errlen) || load_assets(s, static_dir, err, errlen)) {
        web_site_free(s);
        return NULL;
    }
    return s;
}

void web_site_free(web_site_t *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->nviews; i++) {
        free(s->views[i].name);
        free(s->views[i].src);
        tmpl_free(s->views[i].t);
    }
    for (size_t i = 0; i < s->nassets; i++) {
        free(s->assets[i].name);
        free(s->assets[i].data);
    }
    free(s->views);
    free(s->assets);
    free(s);
}

const tmpl_t *web_site_view(const web_site_t *s, const char *name)
{
    const view_t *v = find_view(s, name, strlen(name));
    return v ? v->t : NULL;
}

const web_asset_t *web_site_asset(const web_site_t *s, const char *name)
{
    size_t lo = 0, hi = s->nassets;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(s->assets[mid].name, name);
        if (c == 0) return &s->assets[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const char *web_site_version(const web_site_t *s)
{
    return s->version;
}

static const tmpl_t *partial(void *pctx, const char *name)
{
    return web_site_view(pctx, name);
}

int web_site_render(const web_site_t *s, const char *name, json_t *ctx, tmpl_buf_t *out)
{
    const tmpl_t *t = web_site_view(s, name);
    if (!t) return -1;
    return tmpl_render(t, ctx, partial, (void *)s, out);
}
