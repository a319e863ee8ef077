/*
 * multipart.c — the strict multipart/form-data parser (see multipart.h).
 *
 * Everything is read through [p, e) spans of the caller's buffers: each step checks e - p before
 * it looks, so a truncated or hostile body ends in an error, never in a read past its end.
 * The grammar is RFC 2046 section 5.1.1 without preamble, epilogue or line folding, with
 * HTTP's token and quoted-string (RFC 9110) for the header parameters.
 */
#include "http/multipart.h"
#include <string.h>
#include <strings.h>

typedef const unsigned char *cur_t;

static bool is_tchar(unsigned char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

/* RFC 2046 bchars: what a boundary may be made of (a space, but not at its end). */
static bool is_bchar(unsigned char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (ch && strchr("'()+_,-./:=? ", ch));
}

static bool is_ctl(unsigned char ch)
{
    return (ch < 0x20 && ch != '\t') || ch == 0x7f;
}

static cur_t skip_ows(cur_t p, cur_t e)
{
    while (p < e && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

static cur_t skip_token(cur_t p, cur_t e)
{
    while (p < e && is_tchar(*p))
        p++;
    return p;
}

static bool span_is(cur_t p, cur_t e, const char *word)
{
    size_t n = strlen(word);
    return (size_t)(e - p) == n && !strncasecmp((const char *)p, word, n);
}

/*
 * Reads a token or quoted-string at *pp into out (cap bytes with the NUL; out NULL: checked,
 * not kept). 0, MULTIPART_ERR_MALFORMED, or MULTIPART_ERR_LIMIT when it does not fit.
 */
static int read_value(cur_t *pp, cur_t e, char *out, size_t cap)
{
    cur_t p = *pp;
    size_t n = 0;
    bool fits = true;
    if (p < e && *p == '"') {
        for (p++;; p++) {
            if (p == e || is_ctl(*p)) return MULTIPART_ERR_MALFORMED;
            if (*p == '"') break;
            if (*p == '\\' && (++p == e || is_ctl(*p))) return MULTIPART_ERR_MALFORMED;
            if (out && n + 1 < cap)
                out[n++] = (char)*p;
            else
                fits = false;
        }
        p++;
    } else {
        cur_t s = p;
        p = skip_token(p, e);
        if (p == s) return MULTIPART_ERR_MALFORMED;
        if (out && (size_t)(p - s) < cap)
            memcpy(out, s, n = (size_t)(p - s));
        else
            fits = false;
    }
    if (out) {
        if (!fits) return MULTIPART_ERR_LIMIT;
        out[n] = '\0';
    }
    *pp = p;
    return 0;
}

/*
 * The next `; name=value` of a header value at *pp: 1 with the spans of the name and of the raw
 * value (quotes included; checked, see read_value), 0 at the end, or a negative result.
 */
static int next_param(cur_t *pp, cur_t e, cur_t name[2], cur_t val[2])
{
    cur_t p = skip_ows(*pp, e);
    if (p == e) return 0;
    if (*p != ';') return MULTIPART_ERR_MALFORMED;
    p = skip_ows(p + 1, e);
    name[0] = p;
    p = name[1] = skip_token(p, e);
    if (p == name[0] || p == e || *p != '=') return MULTIPART_ERR_MALFORMED;
    val[0] = ++p;
    int rc = read_value(&p, e, NULL, 0);
    if (rc) return rc;
    *pp = val[1] = p;
    return 1;
}

/* The value of a parameter read by next_param, unquoted into out (cap bytes with the NUL). */
static int param_value(const cur_t val[2], char *out, size_t cap)
{
    cur_t p = val[0];
    return read_value(&p, val[1], out, cap);
}

/* "type/subtype" at *pp; true if it is the media type want. */
static bool media_type_is(cur_t *pp, cur_t e, const char *want)
{
    cur_t s = *pp, p = skip_token(s, e);
    if (p == s || p == e || *p != '/') return false;
    p = skip_token(p + 1, e);
    *pp = p;
    return span_is(s, p, want);
}

int multipart_boundary(const char *content_type, char *out)
{
    if (!content_type) return MULTIPART_ERR_TYPE;
    cur_t p = (cur_t)content_type, e = p + strlen(content_type), name[2], val[2];
    bool found = false;
    p = skip_ows(p, e);
    if (!media_type_is(&p, e, "multipart/form-data")) return MULTIPART_ERR_TYPE;
    for (;;) {
        int rc = next_param(&p, e, name, val);
        if (rc == 0) break;
        if (rc < 0) return MULTIPART_ERR_MALFORMED;
        if (!span_is(name[0], name[1], "boundary")) continue;
        /* over 70 characters does not fit: malformed, like any other bad boundary */
        if (found || param_value(val, out, MULTIPART_MAX_BOUNDARY + 1))
            return MULTIPART_ERR_MALFORMED;
        found = true;
    }
    size_t n = found ? strlen(out) : 0;
    if (n == 0 || out[n - 1] == ' ') return MULTIPART_ERR_MALFORMED;
    for (size_t i = 0; i < n; i++)
        if (!is_bchar((unsigned char)out[i])) return MULTIPART_ERR_MALFORMED;
    return MULTIPART_OK;
}

/* A Content-Disposition value [p, e) into part: form-data with one name, maybe a filename. */
static int disposition(cur_t p, cur_t e, multipart_part_t *part)
{
    cur_t s = p, name[2], val[2];
    bool has_name = false;
    int rc;
    p = skip_token(p, e);
    if (!span_is(s, p, "form-data")) return MULTIPART_ERR_MALFORMED;
    while ((rc = next_param(&p, e, name, val)) > 0) {
        if (span_is(name[0], name[1], "name")) {
            if (has_name) return MULTIPART_ERR_MALFORMED;
            if ((rc = param_value(val, part->name, sizeof part->name))) return rc;
            if (!*part->name) return MULTIPART_ERR_MALFORMED;
            has_name = true;
        } else if (span_is(name[0], name[1], "filename")) {
            if (part->is_file) return MULTIPART_ERR_MALFORMED;
            part->is_file = true;
        }
    }
    if (rc < 0) return rc;
    return has_name ? MULTIPART_OK : MULTIPART_ERR_MALFORMED;
}

/* One header line [p, e): `name: value`; records Content-Disposition in part. */
static int header_line(cur_t p, cur_t e, multipart_part_t *part, bool *seen_disposition)
{
    cur_t name = p;
    p = skip_token(p, e);
    if (p == name || p == e || *p != ':') return MULTIPART_ERR_MALFORMED;
    bool is_disp = span_is(name, p, "content-disposition");
    p = skip_ows(p + 1, e);
    while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    for (cur_t q = p; q < e; q++)
        if (is_ctl(*q)) return MULTIPART_ERR_MALFORMED;
    if (!is_disp) return MULTIPART_OK;
    if (*seen_disposition) return MULTIPART_ERR_MALFORMED;
    *seen_disposition = true;
    return disposition(p, e, part);
}

/* The header block of a part at *pp, up to and including its empty line. */
static int part_headers(cur_t *pp, cur_t e, multipart_part_t *part)
{
    cur_t p = *pp;
    bool seen = false;
    for (int lines = 0;; lines++) {
        cur_t q = p;
        while (q < e && (size_t)(q - p) <= MULTIPART_MAX_LINE && *q != '\r' && *q != '\n')
            q++;
        if ((size_t)(q - p) > MULTIPART_MAX_LINE) return MULTIPART_ERR_LIMIT;
        if (e - q < 2 || q[0] != '\r' || q[1] != '\n') return MULTIPART_ERR_MALFORMED;
        if (q == p) { /* the empty line */
            *pp = q + 2;
            return seen ? MULTIPART_OK : MULTIPART_ERR_MALFORMED;
        }
        if (lines == MULTIPART_MAX_HEADERS) return MULTIPART_ERR_LIMIT;
        int rc = header_line(p, q, part, &seen);
        if (rc) return rc;
        p = q + 2;
    }
}

int multipart_parse(const char *content_type, const void *body, size_t len, multipart_t *m)
{
    char boundary[MULTIPART_MAX_BOUNDARY + 1], delim[4 + MULTIPART_MAX_BOUNDARY];
    memset(m, 0, sizeof(*m));
    int rc = multipart_boundary(content_type, boundary);
    if (rc) return rc;
    size_t blen = strlen(boundary), dlen = 4 + blen; /* delim: CRLF "--" boundary */
    memcpy(delim, "\r\n--", 4);
    memcpy(delim + 4, boundary, blen);
    if (!body || len < dlen - 2) return MULTIPART_ERR_MALFORMED;
    cur_t p = body, e = p + len;
    /* the first delimiter opens the body: no preamble */
    if (memcmp(p, delim + 2, dlen - 2)) return MULTIPART_ERR_MALFORMED;
    p += dlen - 2;
    for (;;) {
        rc = MULTIPART_ERR_MALFORMED;
        if (e - p >= 2 && p[0] == '-' &&
            p[1] == '-') { /* the close delimiter, then at most a CRLF */
            p += 2;
            if (m->n && (p == e || (e - p == 2 && p[0] == '\r' && p[1] == '\n')))
                return MULTIPART_OK;
            break;
        }
        p = skip_ows(p, e); /* transport padding */
        if (e - p < 2 || p[0] != '\r' || p[1] != '\n') break;
        p += 2;
        if (m->n == MULTIPART_MAX_PARTS) {
            rc = MULTIPART_ERR_LIMIT;
            break;
        }
        multipart_part_t *part = &m->parts[m->n];
        if ((rc = part_headers(&p, e, part))) break;
        cur_t end = memmem(p, (size_t)(e - p), delim, dlen);
        if (!end) {
            rc = MULTIPART_ERR_MALFORMED; /* no final boundary */
            break;
        }
        part->data = p;
        part->len = (size_t)(end - p);
        m->n++;
        p = end + dlen;
    }
    memset(m, 0, sizeof(*m)); /* nothing half-parsed leaves */
    return rc;
}

const multipart_part_t *multipart_find(const multipart_t *m, const char *name)
{
    for (size_t i = 0; i < m->n; i++)
        if (!strcmp(m->parts[i].name, name)) return &m->parts[i];
    return NULL;
}

size_t multipart_count(const multipart_t *m, const char *name)
{
    size_t n = 0;
    for (size_t i = 0; i < m->n; i++)
        n += !strcmp(m->parts[i].name, name);
    return n;
}
