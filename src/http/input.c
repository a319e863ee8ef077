/*
 * input.c — checks a JSON body against a declared field list (Kore-style):
 * the handler never sees a field it did not declare, a wrong type, or an
 * over-long value.
 */
#include "http/http.h"
#include <string.h>

static size_t utf8_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80) n++;
    return n;
}

/* At most max bytes of s, never ending inside a UTF-8 character (the error body must stay valid JSON text). */
static const char *cut_utf8(req_t *r, const char *s, size_t max)
{
    size_t n = strnlen(s, max);
    if (s[n]) /* cut: step back to the first byte of a character */
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
    return arena_strndup(r->arena, s, n);
}

static bool has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f) return true;
    return false;
}

static int check_field(req_t *r, const in_field_t *f, json_t *v, in_val_t *out)
{
    out->present = true;
    if (json_is_null(v) && (f->type == IN_STR_NULL || f->type == IN_INT_NULL || f->type == IN_NUM_NULL)) {
        out->is_null = true;
        return 0;
    }
    switch (f->type) {
    case IN_STR:
    case IN_STR_NULL:
        if (!json_is_string(v)) return http_error(r, "invalid_type", f->name), -1;
        out->s = json_string_value(v);
        if (f->max && utf8_len(out->s) > (size_t)f->max) return http_error(r, "invalid_field", f->name), -1;
        return 0;
    case IN_NUM_NULL:
        if (!json_is_number(v)) return http_error(r, "invalid_type", f->name), -1;
        out->d = json_number_value(v);
        return 0;
    case IN_OBJECT:
        if (!json_is_object(v)) return http_error(r, "invalid_type", f->name), -1;
        out->obj = v;
        return 0;
    case IN_INT:
    case IN_INT_NULL:
        if (!json_is_integer(v)) return http_error(r, "invalid_type", f->name), -1;
        out->i = json_integer_value(v);
        if (out->i < 0 || (f->max && out->i > f->max)) return http_error(r, "invalid_field", f->name), -1;
        return 0;
    case IN_BOOL:
        if (!json_is_boolean(v)) return http_error(r, "invalid_type", f->name), -1;
        out->b = json_is_true(v);
        return 0;
    case IN_ARRAY:
        if (!json_is_array(v)) return http_error(r, "invalid_type", f->name), -1;
        if (f->max && json_array_size(v) > (size_t)f->max) return http_error(r, "invalid_field", f->name), -1;
        out->arr = v;
        return 0;
    case IN_STR_ARRAY:
        if (!json_is_array(v)) return http_error(r, "invalid_type", f->name), -1;
        if (f->max && json_array_size(v) > (size_t)f->max) return http_error(r, "invalid_field", f->name), -1;
        for (size_t i = 0; i < json_array_size(v); i++) {
            json_t *item = json_array_get(v, i);
            if (!json_is_string(item)) return http_error(r, "invalid_type", f->name), -1;
            const char *s = json_string_value(item);
            size_t n = utf8_len(s);
            if (n == 0 || n > 20 || has_control(s)) return http_error(r, "invalid_field", f->name), -1;
        }
        out->arr = v;
        return 0;
    }
    return -1;
}

int http_input(req_t *r, const in_field_t *spec, int n, in_val_t *out)
{
    memset(out, 0, sizeof(*out) * (size_t)n);
    if (!r->json) return http_error(r, "body_required", NULL), -1;
    if (!json_is_object(r->json)) return http_error(r, "invalid_type", NULL), -1;
    const char *key;
    json_t *val;
    json_object_foreach(r->json, key, val)
    {
        int i = 0;
        while (i < n && strcmp(spec[i].name, key)) i++;
        if (i == n) return http_error(r, "unknown_field", cut_utf8(r, key, 64)), -1;
        if (check_field(r, &spec[i], val, &out[i])) return -1;
    }
    for (int i = 0; i < n; i++)
        if (spec[i].required && !out[i].present) return http_error(r, "missing_field", spec[i].name), -1;
    return 0;
}
