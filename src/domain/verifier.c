/*
 * verifier.c — the local and HTTP identity verifiers (see verifier.h).
 *
 * The known-identities file is read once at start: one identity per line,
 * "name<TAB>ID number[<TAB>bank card]", '#' starts a comment.
 */
#include "domain/verifier.h"
#include "base/mem.h"
#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    char *name, *id, *card;
} known_t;

typedef struct {
    verifier_t v;
    known_t *known;
    size_t n;
} local_t;

typedef struct {
    verifier_t v;
    char *url, *face_url, *auth, *host;
} http_t;

static bool same_id(const char *a, const char *b)
{
    return strlen(a) == 18 && strlen(b) == 18 && !strncmp(a, b, 17) && (a[17] | 0x20) == (b[17] | 0x20);
}

static idv_verdict_t local_identity(verifier_t *v, const idv_person_t *p)
{
    local_t *l = (local_t *)v;
    if (!l->known) return IDV_MATCH; /* format only: idcheck already passed */
    for (size_t i = 0; i < l->n; i++) {
        const known_t *k = &l->known[i];
        if (strcmp(k->name, p->name) || !same_id(k->id, p->id_number)) continue;
        if (p->bank_card && k->card && strcmp(k->card, p->bank_card)) return IDV_MISMATCH;
        return IDV_MATCH;
    }
    return IDV_MISMATCH;
}

static idv_verdict_t no_face(verifier_t *v, const idv_person_t *p, const void *image, size_t len)
{
    (void)v, (void)p, (void)image, (void)len;
    return IDV_UNAVAILABLE;
}

static void local_free(verifier_t *v)
{
    local_t *l = (local_t *)v;
    for (size_t i = 0; i < l->n; i++) {
        sodium_memzero(l->known[i].id, strlen(l->known[i].id));
        free(l->known[i].name), free(l->known[i].id), free(l->known[i].card);
    }
    free(l->known);
    free(l);
}

static int load_known(local_t *l, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) return snprintf(err, errlen, "cannot open %s", path), -1;
    char line[512];
    int lineno = 0, rc = 0;
    size_t cap = 0;
    l->known = mem_calloc(1, sizeof(known_t)); /* non-NULL: a list is configured, even an empty one */
    while (rc == 0 && fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (!*line || *line == '#') continue;
        char *id = strchr(line, '\t'), *card = id ? strchr(id + 1, '\t') : NULL;
        if (!id || id == line) {
            snprintf(err, errlen, "%s:%d: expected name<TAB>id_number[<TAB>bank_card]", path, lineno);
            rc = -1;
            break;
        }
        *id++ = '\0';
        if (card) *card++ = '\0';
        if (l->n == cap) {
            cap = cap ? cap * 2 : 16;
            l->known = mem_realloc(l->known, cap * sizeof(known_t));
        }
        l->known[l->n++] = (known_t){mem_strdup(line), mem_strdup(id), card ? mem_strdup(card) : NULL};
    }
    sodium_memzero(line, sizeof line);
    fclose(f);
    return rc;
}

verifier_t *verifier_local_new(const char *known_file, char *err, size_t errlen)
{
    local_t *l = mem_calloc(1, sizeof(*l));
    l->v = (verifier_t){"local_format", NULL, local_identity, no_face, local_free};
    if (known_file && *known_file) {
        l->v.method = "local_list";
        if (load_known(l, known_file, err, errlen)) {
            local_free(&l->v);
            return NULL;
        }
    }
    return &l->v;
}

/* ---- the provider over HTTP ---- */

typedef struct {
    char buf[4096];
    size_t len;
} reply_t;

static size_t collect(char *p, size_t size, size_t n, void *ud)
{
    reply_t *r = ud;
    size_t k = size * n;
    if (r->len + k >= sizeof r->buf) return 0; /* a reply this long is not a verdict: abort */
    memcpy(r->buf + r->len, p, k);
    r->len += k;
    r->buf[r->len] = '\0';
    return k;
}

/* POSTs body to url; the verdict from {"match": bool}, anything else unavailable. */
static idv_verdict_t post_verdict(http_t *h, const char *url, json_t *body)
{
    char *s = json_dumps(body, JSON_COMPACT);
    CURL *curl = curl_easy_init();
    struct curl_slist *hdrs = NULL;
    reply_t reply = {.len = 0};
    long status = 0;
    idv_verdict_t verdict = IDV_UNAVAILABLE;
    if (!s || !curl) goto done;
    hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
    hdrs = curl_slist_append(hdrs, h->auth);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, s);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 8000L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply);
    if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && status < 300) {
        json_t *j = json_loads(reply.buf, 0, NULL), *m = json_object_get(j, "match");
        if (json_is_boolean(m)) verdict = json_is_true(m) ? IDV_MATCH : IDV_MISMATCH;
        json_decref(j);
    }
done:
    curl_slist_free_all(hdrs);
    if (curl) curl_easy_cleanup(curl);
    if (s) sodium_memzero(s, strlen(s));
    free(s);
    return verdict;
}

static idv_verdict_t http_identity(verifier_t *v, const idv_person_t *p)
{
    json_t *body = json_pack("{s:s, s:s, s:s?, s:s?}", "name", p->name, "id_number", p->id_number, "bank_card",
                             p->bank_card, "phone", p->phone);
    idv_verdict_t r = body ? post_verdict((http_t *)v, ((http_t *)v)->url, body) : IDV_UNAVAILABLE;
    json_decref(body);
    return r;
}

static idv_verdict_t http_face(verifier_t *v, const idv_person_t *p, const void *image, size_t len)
{
    http_t *h = (http_t *)v;
    if (!h->face_url) return IDV_UNAVAILABLE;
    size_t n = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = mem_alloc(n);
    sodium_bin2base64(b64, n, image, len, sodium_base64_VARIANT_ORIGINAL);
    json_t *body = json_pack("{s:s, s:s, s:s}", "name", p->name, "id_number", p->id_number, "image", b64);
    idv_verdict_t r = body ? post_verdict(h, h->face_url, body) : IDV_UNAVAILABLE;
    json_decref(body);
    free(b64);
    return r;
}

static void http_free(verifier_t *v)
{
    http_t *h = (http_t *)v;
    free(h->url), free(h->face_url), free(h->auth), free(h->host);
    free(h);
}

/* The host part of an http(s) URL, for the published list of recipients. */
static char *url_host(const char *url)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    const char *at = strpbrk(p, "@/"), *start = at && *at == '@' ? at + 1 : p;
    size_t n = strcspn(start, ":/?#");
    char *h = mem_alloc(n + 1);
    memcpy(h, start, n);
    h[n] = '\0';
    return h;
}

verifier_t *verifier_http_new(const char *url, const char *token, const char *face_url)
{
    if (!url || strncmp(url, "http", 4) != 0) return NULL;
    http_t *h = mem_calloc(1, sizeof(*h));
    h->url = mem_strdup(url);
    h->face_url = face_url && !strncmp(face_url, "http", 4) ? mem_strdup(face_url) : NULL;
    h->host = url_host(url);
    size_t n = strlen(token ? token : "") + 32;
    h->auth = mem_alloc(n);
    snprintf(h->auth, n, "Authorization: Bearer %s", token ? token : "");
    h->v = (verifier_t){"provider", h->host, http_identity, http_face, http_free};
    return &h->v;
}
