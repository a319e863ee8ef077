/*
 * conf.c — the settings table (Redis config.c style): one row per setting,
 * with type and bounds, so parsing, validation and defaults cannot drift.
 */
#include "base/conf.h"
#include "base/mem.h"
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { T_STR, T_INT, T_BOOL } conf_type_t;

typedef struct {
    const char *name;
    conf_type_t type;
    size_t offset, size;
    long min, max;
    const char *def;
} setting_t;

#define S(n, f, d) {n, T_STR, offsetof(conf_t, f), sizeof(((conf_t *)0)->f), 0, 0, d}
#define I(n, f, lo, hi, d) {n, T_INT, offsetof(conf_t, f), sizeof(int), lo, hi, d}
#define B(n, f, d) {n, T_BOOL, offsetof(conf_t, f), sizeof(bool), 0, 1, d}

static const setting_t settings[] = {
    S("listen", listen, "127.0.0.1:8080"),
    S("data_dir", data_dir, "./data"),
    S("key_file", key_file, ""),
    I("threads", threads, 0, 256, "0"), /* 0: two per core */
    I("max_body_kb", max_body_kb, 1, 1024, "64"),
    I("max_upload_kb", max_upload_kb, 64, 65536, "10240"),
    I("conn_timeout_s", conn_timeout_s, 1, 600, "15"),
    S("sms_gateway", sms_gateway, "outbox"),
    S("sms_http_url", sms_http_url, ""),
    S("sms_http_token", sms_http_token, ""),
    I("sms_interval_s", sms_interval_s, 0, 3600, "60"),
    I("sms_per_number_day", sms_per_number_day, 1, 1000, "10"),
    I("sms_per_ip_hour", sms_per_ip_hour, 1, 100000, "30"),
    I("code_ttl_s", code_ttl_s, 30, 300, "300"),
    I("code_max_tries", code_max_tries, 1, 10, "5"),
    I("session_idle_days", session_idle_days, 1, 365, "14"),
    I("session_max_days", session_max_days, 1, 365, "90"),
    B("cookie_secure", cookie_secure, "false"),
    B("db_sync_full", db_sync_full, "true"),
    I("view_cache_mb", view_cache_mb, 0, 4096, "64"),
    B("access_log", access_log, "true"),
    I("sweep_interval_s", sweep_interval_s, 10, 86400, "600"),
    I("search_fold_rows", search_fold_rows, 1, 1000000, "10000"),
    I("search_merge_every_s", search_merge_every_s, 60, 604800, "3600"),
    I("stats_k", stats_k, 2, 1000, "10"),
    B("premoderate", premoderate, "false"),
    S("regions_file", regions_file, "assets/regions/regions.tsv"),
    S("photo_dir", photo_dir, ""),
    S("templates_dir", templates_dir, "templates"),
    S("static_dir", static_dir, "static"),
    S("operator_name", operator_name, ""),
    S("privacy_contact", privacy_contact, ""),
    S("data_region", data_region, "CN"),
    S("pay_provider", pay_provider, "sandbox"),
    S("pay_sandbox_key", pay_sandbox_key, ""),
    S("pay_http_url", pay_http_url, ""),
    S("pay_http_key", pay_http_key, ""),
    S("pay_http_name", pay_http_name, ""),
    S("pay_notify_url", pay_notify_url, ""),
    I("order_contact_days", order_contact_days, 0, 90, "7"),
    S("verifier", verifier, "local"),
    S("verify_known_file", verify_known_file, ""),
    S("verify_http_url", verify_http_url, ""),
    S("verify_http_token", verify_http_token, ""),
    S("verify_face_url", verify_face_url, ""),
    I("job_quota", job_quota, 0, 1000, "3"),
};

static int apply(conf_t *c, const setting_t *s, const char *v, char *err, int errlen)
{
    char *field = (char *)c + s->offset;
    if (s->type == T_STR) {
        if (strlen(v) >= s->size) {
            snprintf(err, errlen, "%s: value too long", s->name);
            return -1;
        }
        strcpy(field, v);
        return 0;
    }
    if (s->type == T_BOOL) {
        bool b;
        if (!strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "1")) b = true;
        else if (!strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "0")) b = false;
        else {
            snprintf(err, errlen, "%s: expected true or false", s->name);
            return -1;
        }
        *(bool *)field = b;
        return 0;
    }
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || end == v || *end || n < s->min || n > s->max) {
        snprintf(err, errlen, "%s: expected a whole number from %ld to %ld", s->name, s->min, s->max);
        return -1;
    }
    *(int *)field = (int)n;
    return 0;
}

void conf_defaults(conf_t *c)
{
    char err[128];
    memset(c, 0, sizeof(*c));
    for (size_t i = 0; i < ARRAY_LEN(settings); i++)
        if (apply(c, &settings[i], settings[i].def, err, sizeof err)) PANIC(err);
}

int conf_set(conf_t *c, const char *name, const char *value, char *err, int errlen)
{
    for (size_t i = 0; i < ARRAY_LEN(settings); i++)
        if (!strcmp(settings[i].name, name)) return apply(c, &settings[i], value, err, errlen);
    snprintf(err, errlen, "unknown setting '%s'", name);
    return -1;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s)) s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1])) *--e = '\0';
    return s;
}

int conf_load_file(conf_t *c, const char *path, char *err, int errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "cannot open %s", path);
        return -1;
    }
    char line[1024], sub[256];
    int lineno = 0, rc = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *s = trim(line);
        if (!*s || *s == '#' || *s == ';' || *s == '[') continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            snprintf(err, errlen, "%s:%d: expected name = value", path, lineno);
            rc = -1;
            break;
        }
        *eq = '\0';
        if (conf_set(c, trim(s), trim(eq + 1), sub, sizeof sub)) {
            snprintf(err, errlen, "%s:%d: %s", path, lineno, sub);
            rc = -1;
            break;
        }
    }
    fclose(f);
    return rc;
}

void conf_data_path(const conf_t *c, const char *name, char *out, int outlen)
{
    snprintf(out, outlen, "%s/%s", c->data_dir, name);
}
