/* form.c — urlencoded form bodies and the signed double-submit CSRF token (see form.h). */
#include "web/form.h"
#include "http/server.h"
#include <microhttpd.h>
#include <pthread.h>
#include <sodium.h>
#include <string.h>
#include <strings.h>

#define CSRF_COOKIE   "linli_csrf"
#define CSRF_RAND_LEN 16
#define CSRF_MAC_LEN  16
#define CSRF_B64_MAX  64 /* base64url of either, with room to spare */

static uint8_t csrf_key[crypto_generichash_KEYBYTES];
static pthread_once_t csrf_once = PTHREAD_ONCE_INIT;

static void csrf_key_init(void)
{
    randombytes_buf(csrf_key, sizeof csrf_key);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Well-formed UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF. */
static bool utf8_ok(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        unsigned c = *p, n = c < 0x80             ? 0
                             : (c & 0xe0) == 0xc0 ? 1
                             : (c & 0xf0) == 0xe0 ? 2
                             : (c & 0xf8) == 0xf0 ? 3
                                                  : 9;
        if (n == 9 || (n == 1 && c < 0xc2) || (n == 3 && c > 0xf4)) return false;
        unsigned cp = n ? c & (0x3f >> n) : c;
        for (unsigned i = 1; i <= n; i++) {
            if ((p[i] & 0xc0) != 0x80) return false;
            cp = cp << 6 | (p[i] & 0x3f);
        }
        if ((n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
            (n == 3 && (cp < 0x10000 || cp > 0x10ffff)))
            return false;
        p += n + 1;
    }
    return true;
}

/* Decodes s[0..n) ('+' is a space, %XX a byte) into a new arena string; NULL when malformed. */
static char *decode(arena_t *a, const char *s, size_t n)
{
    char *out = arena_alloc(a, n + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') {
            *o++ = ' ';
        } else if (s[i] == '%') {
            int hi = i + 2 < n ? hexval(s[i + 1]) : -1, lo = i + 2 < n ? hexval(s[i + 2]) : -1;
            if (hi < 0 || lo < 0) return NULL;
            char c = (char)(hi << 4 | lo);
            if (c == '\0') return NULL;
            *o++ = c;
            i += 2;
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    return utf8_ok(out) ? out : NULL;
}

int web_form_parse(req_t *r, web_form_t *f)
{
    return web_form_parse_body(r->arena, http_req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE), r->body,
                               r->body_len, f);
}

/* Splits and decodes body[0..len) into f; -1 at the first fault (f may hold a part of the fields). */
static int split(arena_t *a, const char *p, const char *end, web_form_t *f)
{
    if (memchr(p, '\0', (size_t)(end - p))) return -1;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p)), *stop = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(stop - p));
        if (stop > p) {
            if (!eq || f->n == WEB_FORM_MAX_FIELDS) return -1;
            char *name = decode(a, p, (size_t)(eq - p));
            char *value = decode(a, eq + 1, (size_t)(stop - eq - 1));
            if (!name || !value || !*name || web_form_get(f, name)) return -1;
            f->name[f->n] = name;
            f->value[f->n++] = value;
        }
        p = amp ? amp + 1 : end;
    }
    return 0;
}

int web_form_parse_body(arena_t *a, const char *ct, const char *body, size_t len, web_form_t *f)
{
    f->n = 0;
    if (!ct || strncasecmp(ct, "application/x-www-form-urlencoded", 33) ||
        (ct[33] && ct[33] != ';'))
        return -1;
    const char *p = body ? body : "";
    if (split(a, p, p + (body ? len : 0), f)) {
        f->n = 0; /* refused whole: no handler sees half a form */
        return -1;
    }
    return 0;
}

const char *web_form_get(const web_form_t *f, const char *name)
{
    for (size_t i = 0; i < f->n; i++)
        if (!strcmp(f->name[i], name)) return f->value[i];
    return NULL;
}

static char *b64(arena_t *a, const uint8_t *bin, size_t n)
{
    char *s = arena_alloc(a, CSRF_B64_MAX);
    return sodium_bin2base64(s, CSRF_B64_MAX, bin, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static const char *mac_of(req_t *r, const char *cookie)
{
    uint8_t mac[CSRF_MAC_LEN];
    pthread_once(&csrf_once, csrf_key_init);
    crypto_generichash(mac, sizeof mac, (const uint8_t *)cookie, strlen(cookie), csrf_key,
                       sizeof csrf_key);
    return b64(r->arena, mac, sizeof mac);
}

/* The cookie as sent, when it has the shape we give it. */
static const char *csrf_cookie(req_t *r)
{
    const char *c = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, CSRF_COOKIE);
    if (!c || strlen(c) < 16 || strlen(c) > CSRF_B64_MAX ||
        strspn(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != strlen(c))
        return NULL;
    return c;
}

const char *web_csrf_token(req_t *r)
{
    const char *cookie = csrf_cookie(r);
    if (!cookie) cookie = r->csrf_set; /* a second form on a first visit shares the first one's cookie */
    if (!cookie) {
        uint8_t rnd[CSRF_RAND_LEN];
        randombytes_buf(rnd, sizeof rnd);
        cookie = b64(r->arena, rnd, sizeof rnd);
        http_header(r, "Set-Cookie",
                    arena_printf(r->arena, CSRF_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict%s",
                                 cookie, r->srv->conf.cookie_secure ? "; Secure" : ""));
        r->csrf_set = cookie;
    }
    return mac_of(r, cookie);
}

bool web_csrf_ok(req_t *r, const web_form_t *f)
{
    return web_csrf_value_ok(r, web_form_get(f, "csrf"));
}

bool web_csrf_value_ok(req_t *r, const char *sent)
{
    const char *cookie = csrf_cookie(r);
    if (!cookie || !sent) return false;
    const char *want = mac_of(r, cookie);
    size_t n = strlen(want);
    return strlen(sent) == n && sodium_memcmp(sent, want, n) == 0;
}
