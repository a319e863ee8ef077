/*
 * sms.c — the outbox and HTTP SMS gateways (see sms.h).
 *
 * The outbox writes each line with one write(2) on an O_APPEND descriptor, so
 * lines from concurrent requests or processes never interleave.
 */
#include "domain/sms.h"
#include "base/clock.h"
#include "base/mem.h"
#include <curl/curl.h>
#include <fcntl.h>
#include <jansson.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    sms_gw_t gw;
    int fd;
} outbox_t;

typedef struct {
    sms_gw_t gw;
    char *url;
    char *auth;
} http_gw_t;

static int outbox_send(sms_gw_t *gw, const char *phone, const char *text, const char *code, const char *purpose,
                       int64_t now)
{
    outbox_t *o = (outbox_t *)gw;
    char ts[CLOCK_ISO_LEN];
    json_t *line = json_pack("{s:s, s:s?, s:s, s:s, s:s}", "phone", phone, "code", code, "text", text, "purpose",
                             purpose, "time", clock_iso(now, ts));
    char *s = line ? json_dumps(line, JSON_COMPACT) : NULL;
    int rc = -1;
    if (s) {
        size_t n = strlen(s);
        s[n] = '\n'; /* json_dumps leaves room: replace the NUL, write n+1 bytes */
        rc = write(o->fd, s, n + 1) == (ssize_t)(n + 1) ? 0 : -1;
    }
    free(s);
    json_decref(line);
    return rc;
}

static void outbox_free(sms_gw_t *gw)
{
    outbox_t *o = (outbox_t *)gw;
    close(o->fd);
    free(o);
}

sms_gw_t *sms_outbox_new(const char *path)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return NULL;
    outbox_t *o = mem_calloc(1, sizeof(*o));
    o->gw.send = outbox_send;
    o->gw.free = outbox_free;
    o->fd = fd;
    return &o->gw;
}

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
    (void)p, (void)ud;
    return size * n;
}

static int http_send(sms_gw_t *gw, const char *phone, const char *text, const char *code, const char *purpose,
                     int64_t now)
{
    http_gw_t *h = (http_gw_t *)gw;
    (void)code, (void)now; /* the provider gets the text, which carries the code */
    json_t *body = json_pack("{s:s, s:s, s:s}", "phone", phone, "text", text, "purpose", purpose);
    char *s = body ? json_dumps(body, JSON_COMPACT) : NULL;
    CURL *curl = curl_easy_init();
    struct curl_slist *hdrs = NULL;
    long status = 0;
    int rc = -1;
    if (!s || !curl) goto done;
    hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
    hdrs = curl_slist_append(hdrs, h->auth);
    curl_easy_setopt(curl, CURLOPT_URL, h->url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, s);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    rc = status >= 200 && status < 300 ? 0 : -1;
done:
    curl_slist_free_all(hdrs);
    if (curl) curl_easy_cleanup(curl);
    free(s);
    json_decref(body);
    return rc;
}

static void http_free(sms_gw_t *gw)
{
    http_gw_t *h = (http_gw_t *)gw;
    free(h->url);
    free(h->auth);
    free(h);
}

sms_gw_t *sms_http_new(const char *url, const char *token)
{
    if (!url || strncmp(url, "http", 4) != 0) return NULL;
    http_gw_t *h = mem_calloc(1, sizeof(*h));
    h->gw.send = http_send;
    h->gw.free = http_free;
    h->url = mem_strdup(url);
    size_t n = strlen(token) + 32;
    h->auth = mem_alloc(n);
    snprintf(h->auth, n, "Authorization: Bearer %s", token);
    return &h->gw;
}
