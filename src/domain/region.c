/*
 * region.c — loader and lookups for the region database (see region.h).
 *
 * Layout: one array of entries sorted by code, searched by bisection; one array
 * of child codes in which each entry's children sit together in code order
 * (first_child, nchildren); one blob of NUL-terminated names. region_load builds
 * all three and checks every line and every parent link before it returns, so a
 * loaded database is always whole and consistent; nothing writes to it after.
 *
 * Invariants of a loaded database: codes are unique; a level-1 code has 2 digits,
 * level 2 has 4, level 3 has 6; every non-province's parent is in the database,
 * one level up, and is its code with the last two digits removed.
 */
#include "domain/region.h"
#include "base/mem.h"
#include "base/result.h"
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_BYTES 1024
#define REGIONS_MAX    100000
#define NFIELDS        6

static const char HEADER[] = "code\tparent_code\tlevel\tname\tlat\tlng";

typedef struct {
    uint32_t code;
    uint32_t parent;      /* 0 for a province */
    uint32_t name_off;    /* into names */
    uint32_t first_child; /* into children */
    uint32_t nchildren;
    uint32_t line; /* in the file, for errors found after sorting */
    uint8_t level;
    bool has_centre;
    double lat, lng;
} entry_t;

struct region_db {
    entry_t *entries; /* sorted by code */
    size_t n;
    uint32_t *children;
    uint32_t *provinces;
    size_t count[4]; /* by level */
    char *names;
};

/* What the loader carries while it reads. */
typedef struct {
    const char *path;
    char *err;
    size_t errlen;
    unsigned line;
    entry_t *entries;
    size_t n, cap;
    char *names;
    size_t names_len, names_cap;
} loader_t;

typedef struct {
    const char *s;
    size_t len;
} field_t;

/* Writes "path:line: message" (line 0: "path: message") to the caller's buffer; returns false. */
__attribute__((format(printf, 3, 4))) static bool fail_at(loader_t *ld, unsigned line,
                                                          const char *fmt, ...)
{
    if (!ld->err || ld->errlen == 0) return false;
    int n = line ? snprintf(ld->err, ld->errlen, "%s:%u: ", ld->path, line)
                 : snprintf(ld->err, ld->errlen, "%s: ", ld->path);
    if (n < 0 || (size_t)n >= ld->errlen) return false;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ld->err + n, ld->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return false;
}

static bool all_digits(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return len > 0;
}

/* A code of 2, 4 or 6 digits not starting with 0 (so the number gives back the text). */
static bool parse_code_text(const char *s, size_t len, uint32_t *code)
{
    if ((len != 2 && len != 4 && len != 6) || !all_digits(s, len) || s[0] == '0') return false;
    uint32_t v = 0;
    for (size_t i = 0; i < len; i++)
        v = v * 10 + (uint32_t)(s[i] - '0');
    *code = v;
    return true;
}

/*
 * A decimal in [min, max]: optional '-', 1-3 digits, optionally '.' and 1-9 digits.
 * Parsed by hand because strtod follows the locale's decimal point.
 */
static bool parse_coord(const char *s, size_t len, double min, double max, double *out)
{
    size_t i = 0, nint = 0, nfrac = 0;
    bool neg = len > 0 && s[0] == '-';
    uint64_t mant = 0, scale = 1;
    if (neg) i++;
    for (; i < len && s[i] >= '0' && s[i] <= '9' && nint < 4; i++, nint++)
        mant = mant * 10 + (uint64_t)(s[i] - '0');
    if (nint == 0 || nint > 3) return false;
    if (i < len && s[i] == '.') {
        for (i++; i < len && s[i] >= '0' && s[i] <= '9' && nfrac < 10; i++, nfrac++) {
            mant = mant * 10 + (uint64_t)(s[i] - '0');
            scale *= 10;
        }
        if (nfrac == 0 || nfrac > 9) return false;
    }
    if (i != len) return false;
    double v = (double)mant / (double)scale;
    if (neg) v = -v;
    if (v < min || v > max) return false;
    *out = v;
    return true;
}

/* Strict UTF-8 (no overlong form, surrogate or value past U+10FFFF), no control characters. */
static bool valid_name(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        size_t n = c < 0x80             ? 1
                   : (c & 0xE0) == 0xC0 ? 2
                   : (c & 0xF0) == 0xE0 ? 3
                   : (c & 0xF8) == 0xF0 ? 4
                                        : 0;
        if (n == 0 || i + n > len) return false;
        uint32_t cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
        for (size_t k = 1; k < n; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return false;
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        static const uint32_t least[5] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < least[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) return false;
        i += n;
    }
    return true;
}

static size_t split_fields(char *line, field_t *f, size_t max)
{
    size_t n = 0;
    char *p = line;
    for (;;) {
        char *tab = strchr(p, '\t');
        if (n < max) f[n] = (field_t){p, tab ? (size_t)(tab - p) : strlen(p)};
        n++;
        if (!tab) return n;
        p = tab + 1;
    }
}

static uint32_t add_name(loader_t *ld, const char *s, size_t len)
{
    if (ld->names_len + len + 1 > ld->names_cap) {
        ld->names_cap = (ld->names_cap + len + 1) * 2;
        ld->names = mem_realloc(ld->names, ld->names_cap);
    }
    uint32_t off = (uint32_t)ld->names_len;
    memcpy(ld->names + off, s, len);
    ld->names[off + len] = '\0';
    ld->names_len += len + 1;
    return off;
}

/* Checks one data line's fields and fills *e; false after reporting the problem. */
static bool parse_entry(loader_t *ld, field_t *f, entry_t *e)
{
    *e = (entry_t){.line = ld->line};
    if (f[2].len != 1 || f[2].s[0] < '1' || f[2].s[0] > '3')
        return fail_at(ld, ld->line, "level must be 1, 2 or 3");
    e->level = (uint8_t)(f[2].s[0] - '0');
    if (f[0].len != 2u * e->level || !parse_code_text(f[0].s, f[0].len, &e->code))
        return fail_at(ld, ld->line, "code must be %u digits for level %u", 2u * e->level,
                       e->level);
    if (e->level == REGION_PROVINCE && f[1].len != 0)
        return fail_at(ld, ld->line, "a province has no parent_code");
    if (e->level > REGION_PROVINCE) {
        if (f[1].len != 2u * (e->level - 1u) || !parse_code_text(f[1].s, f[1].len, &e->parent))
            return fail_at(ld, ld->line, "parent_code must be %u digits", 2u * (e->level - 1u));
        if (e->parent != e->code / 100)
            return fail_at(ld, ld->line, "code %u does not start with parent_code %u", e->code,
                           e->parent);
    }
    if (f[3].len == 0 || f[3].len > REGION_NAME_MAX || !valid_name(f[3].s, f[3].len))
        return fail_at(ld, ld->line, "name must be 1-%d bytes of UTF-8 text", REGION_NAME_MAX);
    if (f[4].len == 0 && f[5].len == 0) return true;
    if (!parse_coord(f[4].s, f[4].len, -90, 90, &e->lat) ||
        !parse_coord(f[5].s, f[5].len, -180, 180, &e->lng))
        return fail_at(ld, ld->line, "lat and lng must both be empty or decimal degrees in range");
    e->has_centre = true;
    return true;
}

static bool read_line(loader_t *ld, char *line, ssize_t len)
{
    if ((size_t)len > LINE_MAX_BYTES)
        return fail_at(ld, ld->line, "line longer than %d bytes", LINE_MAX_BYTES);
    if (len > 0 && line[len - 1] == '\n') line[--len] = '\0';
    if (strlen(line) != (size_t)len) return fail_at(ld, ld->line, "NUL byte in line");
    if (ld->line == 1) {
        if (strcmp(line, HEADER) != 0)
            return fail_at(ld, 1,
                           "expected the header: code, parent_code, level, name, lat, lng, "
                           "tab-separated");
        return true;
    }
    field_t f[NFIELDS];
    size_t nf = split_fields(line, f, NFIELDS);
    if (nf != NFIELDS)
        return fail_at(ld, ld->line, "expected %d tab-separated fields, found %zu", NFIELDS, nf);
    if (ld->n == REGIONS_MAX) return fail_at(ld, ld->line, "more than %d regions", REGIONS_MAX);
    if (ld->n == ld->cap) {
        ld->cap = ld->cap ? ld->cap * 2 : 4096;
        ld->entries = mem_realloc(ld->entries, ld->cap * sizeof *ld->entries);
    }
    entry_t *e = &ld->entries[ld->n];
    if (!parse_entry(ld, f, e)) return false;
    e->name_off = add_name(ld, f[3].s, f[3].len);
    ld->n++;
    return true;
}

static bool read_file(loader_t *ld)
{
    FILE *fp = fopen(ld->path, "r");
    if (!fp) return fail_at(ld, 0, "cannot open: %s", strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    bool ok = true;
    while (ok && (len = getline(&line, &cap, fp)) != -1) {
        ld->line++;
        ok = read_line(ld, line, len);
    }
    if (ok && ferror(fp)) ok = fail_at(ld, 0, "read error");
    if (ok && ld->line == 0) ok = fail_at(ld, 0, "empty file");
    free(line);
    fclose(fp);
    return ok;
}

static int cmp_entry(const void *a, const void *b)
{
    uint32_t x = ((const entry_t *)a)->code, y = ((const entry_t *)b)->code;
    return (x > y) - (x < y);
}

static entry_t *find(entry_t *v, size_t n, uint32_t code)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid].code == code) return &v[mid];
        if (v[mid].code < code)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Sorts, rejects duplicates and dangling parents, and lays out the child lists. */
static bool link_entries(loader_t *ld, region_db_t *db)
{
    entry_t *v = ld->entries;
    qsort(v, ld->n, sizeof *v, cmp_entry);
    for (size_t i = 1; i < ld->n; i++)
        if (v[i].code == v[i - 1].code) {
            unsigned later = v[i].line > v[i - 1].line ? v[i].line : v[i - 1].line;
            unsigned first = v[i].line > v[i - 1].line ? v[i - 1].line : v[i].line;
            return fail_at(ld, later, "code %u already on line %u", v[i].code, first);
        }
    for (size_t i = 0; i < ld->n; i++) {
        db->count[v[i].level]++;
        if (v[i].level == REGION_PROVINCE) continue;
        entry_t *p = find(v, ld->n, v[i].parent);
        if (!p)
            return fail_at(ld, v[i].line, "parent %u of %u is not in the file", v[i].parent,
                           v[i].code);
        p->nchildren++;
    }
    db->children = mem_calloc(ld->n, sizeof *db->children);
    db->provinces = mem_calloc(db->count[REGION_PROVINCE], sizeof *db->provinces);
    uint32_t next = 0;
    for (size_t i = 0; i < ld->n; i++) {
        v[i].first_child = next;
        next += v[i].nchildren;
        v[i].nchildren = 0; /* counted again while filling, in code order */
    }
    size_t np = 0;
    for (size_t i = 0; i < ld->n; i++) {
        if (v[i].level == REGION_PROVINCE) {
            db->provinces[np++] = v[i].code;
            continue;
        }
        entry_t *p = find(v, ld->n, v[i].parent);
        db->children[p->first_child + p->nchildren++] = v[i].code;
    }
    return true;
}

region_db_t *region_load(const char *tsv_path, char *err, size_t errlen)
{
    loader_t ld = {.path = tsv_path ? tsv_path : "(null)", .err = err, .errlen = errlen};
    region_db_t *db = mem_calloc(1, sizeof *db);
    if (err && errlen) err[0] = '\0';
    bool ok = tsv_path && read_file(&ld);
    if (!tsv_path) fail_at(&ld, 0, "no path");
    if (ok && ld.n == 0) ok = fail_at(&ld, 0, "no regions");
    if (ok) ok = link_entries(&ld, db);
    db->entries = ld.entries;
    db->n = ld.n;
    db->names = ld.names;
    if (ok) return db;
    region_free(db);
    return NULL;
}

void region_free(region_db_t *db)
{
    if (!db) return;
    free(db->entries);
    free(db->children);
    free(db->provinces);
    free(db->names);
    free(db);
}

static const entry_t *lookup(const region_db_t *db, uint32_t code)
{
    return db ? find(db->entries, db->n, code) : NULL;
}

size_t region_count(const region_db_t *db, region_level_t level)
{
    if (!db || level < REGION_PROVINCE || level > REGION_DISTRICT) return 0;
    return db->count[level];
}

int region_level(const region_db_t *db, uint32_t code)
{
    const entry_t *e = lookup(db, code);
    return e ? e->level : 0;
}

const char *region_name(const region_db_t *db, uint32_t code)
{
    const entry_t *e = lookup(db, code);
    return e ? db->names + e->name_off : NULL;
}

uint32_t region_parent(const region_db_t *db, uint32_t code)
{
    const entry_t *e = lookup(db, code);
    return e ? e->parent : 0;
}

int region_centre(const region_db_t *db, uint32_t code, double *lat, double *lng)
{
    const entry_t *e = lookup(db, code);
    if (!e || !e->has_centre) return -1;
    if (lat) *lat = e->lat;
    if (lng) *lng = e->lng;
    return 0;
}

size_t region_provinces(const region_db_t *db, const uint32_t **codes)
{
    size_t n = db ? db->count[REGION_PROVINCE] : 0;
    if (codes) *codes = n ? db->provinces : NULL;
    return n;
}

/* The children of code if it is of the given level; 0 and NULL otherwise. */
static size_t children_of(const region_db_t *db, uint32_t code, int level, const uint32_t **codes)
{
    const entry_t *e = lookup(db, code);
    size_t n = e && e->level == level ? e->nchildren : 0;
    if (codes) *codes = n ? db->children + e->first_child : NULL;
    return n;
}

size_t region_cities(const region_db_t *db, uint32_t province, const uint32_t **codes)
{
    return children_of(db, province, REGION_PROVINCE, codes);
}

size_t region_districts(const region_db_t *db, uint32_t city, const uint32_t **codes)
{
    return children_of(db, city, REGION_CITY, codes);
}

bool region_is_district_of(const region_db_t *db, uint32_t district, uint32_t city)
{
    const entry_t *e = lookup(db, district);
    return e && e->level == REGION_DISTRICT && e->parent == city;
}

int region_parse_code(const char *s, size_t len, uint32_t *code)
{
    uint32_t v;
    if (!s || !parse_code_text(s, len, &v)) return LL_INVALID;
    if (code) *code = v;
    return LL_OK;
}
