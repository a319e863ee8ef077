/*
 * redact.c — masking contact details in free text (see redact.h).
 *
 * One forward pass: at each position the three recognisers are tried in
 * order (keyword + id, e-mail, digit run); whatever none claims is copied
 * unchanged. The output grows in a buffer that is copied into the arena at
 * the end, so a long message costs one pass and one copy.
 */
#include "privacy/redact.h"
#include "base/mem.h"
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *p;
    size_t n, cap;
} out_t;

static void emit(out_t *o, const char *s, size_t n)
{
    if (o->n + n + 1 > o->cap) {
        o->cap = (o->n + n + 1) * 2;
        o->p = mem_realloc(o->p, o->cap);
    }
    memcpy(o->p + o->n, s, n);
    o->n += n;
    o->p[o->n] = '\0';
}

static void emits(out_t *o, const char *s)
{
    emit(o, s, strlen(s));
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool id_char(char c)
{
    return is_alpha(c) || is_digit(c) || c == '_' || c == '-';
}

/* A digit at s, ASCII or full-width (U+FF10..FF19): its value in *d and its length; 0 if none. */
static size_t digit_at(const char *s, char *d)
{
    if (is_digit(*s)) return *d = *s, 1;
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] == 0xEF && u[1] == 0xBC && u[2] >= 0x90 && u[2] <= 0x99) return *d = (char)('0' + u[2] - 0x90), 3;
    return 0;
}

/* ---- WeChat / QQ ids after a keyword ---- */

static const char *const keywords[] = {"微信", "威信", "薇信", "V信", "v信", "weixin", "wechat", "vx", "wx", "qq", "扣扣"};
static const char *const id_seps[] = {" ", ":", "：", "号", "是", "为", "\t"};

/* Length of the keyword at s (ASCII ones case-insensitive and not inside a word), 0 if none. */
static size_t keyword_at(const char *start, const char *s)
{
    if (s > start && is_alpha(s[-1])) return 0;
    for (size_t i = 0; i < ARRAY_LEN(keywords); i++) {
        size_t k = strlen(keywords[i]);
        if (strncasecmp(s, keywords[i], k)) continue;
        if (is_alpha(keywords[i][k - 1]) && is_alpha(s[k])) continue; /* "wxyz" is a word, not wx */
        return k;
    }
    return 0;
}

/* Keyword, separators, then an id of 5..20 characters: emits all, the id masked; bytes consumed or 0. */
static size_t try_id(out_t *o, const char *start, const char *s)
{
    size_t k = keyword_at(start, s);
    if (!k) return 0;
    const char *p = s + k;
    for (int seps = 0; seps < 4; seps++) {
        size_t j = 0;
        while (j < ARRAY_LEN(id_seps) && strncmp(p, id_seps[j], strlen(id_seps[j]))) j++;
        if (j == ARRAY_LEN(id_seps)) break;
        p += strlen(id_seps[j]);
    }
    size_t n = 0;
    while (id_char(p[n])) n++;
    if (n < 5 || n > 20) return 0;
    emit(o, s, (size_t)(p - s));
    emit(o, p, 2);
    emits(o, "****");
    return (size_t)(p + n - s);
}

/* ---- e-mail addresses ---- */

static bool local_char(char c)
{
    return is_alpha(c) || is_digit(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

static size_t try_email(out_t *o, const char *start, const char *s)
{
    if (!local_char(*s) || (s > start && local_char(s[-1]))) return 0;
    size_t n = 0;
    while (local_char(s[n])) n++;
    if (s[n] != '@') return 0;
    const char *d = s + n + 1, *e = d;
    int dots = 0;
    while (is_alpha(*e) || is_digit(*e) || *e == '-' || (*e == '.' && e > d && e[-1] != '.' && id_char(e[1])))
        dots += *e++ == '.';
    if (!dots || e == d) return 0;
    emit(o, s, 1);
    emits(o, "***@");
    return (size_t)(d - s); /* the domain goes on through the loop: a number in it is masked too */
}

/* ---- digit runs: phone numbers, QQ numbers, ID numbers ---- */

typedef struct {
    char digits[40];
    size_t n, groups, glen[8];
} run_t;

/* Reads digits with single separators between groups; bytes consumed (0 if no digit at s). */
static size_t read_run(const char *s, run_t *r)
{
    size_t used = 0, k;
    char d;
    memset(r, 0, sizeof(*r));
    while ((k = digit_at(s + used, &d))) {
        if (r->n < sizeof r->digits - 1) r->digits[r->n++] = d;
        if (r->groups < ARRAY_LEN(r->glen)) r->glen[r->groups]++;
        used += k;
        char sep = s[used];
        if ((sep == ' ' || sep == '-' || sep == '.') && digit_at(s + used + 1, &d)) {
            used++;
            r->groups++;
        }
    }
    if (used) r->groups++;
    if (r->n == 17 && (s[used] == 'X' || s[used] == 'x')) r->digits[r->n++] = 'X', used++; /* an ID number */
    return used;
}

static bool is_date(const run_t *r)
{
    return r->groups == 3 && r->glen[0] == 4 && r->glen[1] <= 2 && r->glen[2] <= 2;
}

static size_t try_digits(out_t *o, const char *start, const char *s)
{
    run_t r;
    char d;
    if (s > start && is_digit(s[-1])) return 0; /* the tail of a run already read */
    if (!digit_at(s, &d)) return 0;
    size_t used = read_run(s, &r);
    if (r.n < 7 || is_date(&r)) {
        emit(o, s, used);
        return used;
    }
    const char *v = r.digits;
    size_t n = r.n;
    if (n == 13 && !strncmp(v, "86", 2) && v[2] == '1') v += 2, n -= 2; /* +86 */
    bool phone = (n == 11 && v[0] == '1' && v[1] >= '3') || (v[0] == '0' && n >= 10 && n <= 12);
    size_t head = phone ? 3 : 2, tail = phone ? 4 : 2;
    emit(o, v, head);
    emits(o, "****");
    emit(o, v + n - tail, tail);
    return used;
}

char *redact_contacts(arena_t *a, const char *text, int *found)
{
    out_t o = {0};
    int hits = 0;
    emit(&o, "", 0);
    for (const char *s = text; *s;) {
        size_t n = try_id(&o, text, s);
        if (!n) n = try_email(&o, text, s);
        if (n) hits++;
        else {
            size_t before = o.n;
            n = try_digits(&o, text, s);
            if (n && (o.n - before != n || memcmp(o.p + before, s, n))) hits++;
        }
        if (!n) { /* one whole UTF-8 character, unchanged */
            n = 1;
            while (n < 4 && ((unsigned char)s[n] & 0xC0) == 0x80) n++;
            emit(&o, s, n);
        }
        s += n;
    }
    if (found) *found = hits;
    char *out = arena_strndup(a, o.p, o.n);
    free(o.p);
    return out;
}
