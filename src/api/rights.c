/*
 * rights.c — the person's rights over their data: see it (G1, G5), download
 * it (G5), decide each optional use (G3), cancel the account (G4, G6);
 * and recommendations, which obey the personalisation decision (C3).
 */
#include "api/api.h"
#include "base/conf.h"
#include "base/mem.h"
#include "base/result.h"
#include "base/tar.h"
#include "domain/account.h"
#include "domain/consent.h"
#include "domain/search.h"
#include "domain/verification.h"
#include "http/server.h"
#include "privacy/subject.h"
#include "privacy/audit.h"
#include <stdio.h>
#include <string.h>

int api_me_data(req_t *r)
{
    json_t *data;
    int res = subject_export(&r->ctx, r->ctx.user_id, &data);
    if (res) return http_fail(r, res);
    json_object_set_new(data, "generated_at", json_string(api_time(r, r->ctx.now)));
    return http_json(r, 200, data);
}

/* Every photo named in the export, added to the archive from the photo folder. */
static void add_photos(req_t *r, json_t *data, tar_t *t)
{
    json_t *cat, *field, *v;
    size_t i, j, k;
    json_array_foreach(json_object_get(data, "categories"), i, cat)
    {
        json_array_foreach(json_object_get(cat, "fields"), j, field)
        {
            if (strcmp(json_string_value(json_object_get(field, "field")), "listing_photos.name")) continue;
            json_array_foreach(json_object_get(field, "values"), k, v)
            {
                const char *name = json_string_value(v);
                char path[1200];
                if (!name || strchr(name, '/')) continue;
                if (*r->srv->conf.photo_dir) snprintf(path, sizeof path, "%s/%s", r->srv->conf.photo_dir, name);
                else snprintf(path, sizeof path, "%s/photos/%s", r->srv->conf.data_dir, name);
                FILE *f = fopen(path, "rb");
                if (!f) continue;
                unsigned char *buf = mem_alloc(16u << 20);
                size_t n = fread(buf, 1, 16u << 20, f);
                fclose(f);
                tar_add(t, arena_printf(r->arena, "linli-export/photos/%s", name), buf, n, r->ctx.now);
                free(buf);
            }
        }
    }
}

int api_me_export(req_t *r)
{
    json_t *data;
    tar_t t;
    int res = subject_export(&r->ctx, r->ctx.user_id, &data);
    if (res) return http_fail(r, res);
    json_object_set_new(data, "generated_at", json_string(api_time(r, r->ctx.now)));
    char *text = json_dumps(data, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
    tar_init(&t);
    tar_add(&t, "linli-export/data.json", text, strlen(text), r->ctx.now);
    free(text);
    add_photos(r, data, &t);
    json_decref(data);
    tar_finish(&t);
    http_header(r, "Content-Disposition", "attachment; filename=\"linli-export.tar\"");
    return http_bytes(r, 200, "application/x-tar", t.data, t.len, NULL);
}

static json_t *consents_json(req_t *r)
{
    json_t *items = json_array();
    for (size_t i = 0; i < consent_count; i++) {
        const consent_purpose_t *p = &consent_purposes[i];
        int64_t at = consent_decided_at(&r->ctx, r->ctx.user_id, p->slug);
        json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s, s:b, s:o}", "purpose", p->slug, "label", p->label,
                                               "explain", p->explain, "promises", p->promise, "granted",
                                               consent_granted(&r->ctx, r->ctx.user_id, p->slug), "decided_at",
                                               at ? json_string(api_time(r, at)) : json_null()));
    }
    return json_pack("{s:o}", "items", items);
}

int api_me_consents(req_t *r)
{
    return http_json(r, 200, consents_json(r));
}

/* {"personalization": false, ...}: any subset of the purposes, each a boolean. */
int api_me_consents_put(req_t *r)
{
    in_field_t spec[8] = {{0}};
    in_val_t in[8];
    for (size_t i = 0; i < consent_count; i++) spec[i] = (in_field_t){consent_purposes[i].slug, IN_BOOL, false, 0};
    if (http_input(r, spec, (int)consent_count, in)) return 0;
    /* H1: a held child may withdraw, not grant — except the ID check that can prove an adult held by a mistyped
     * year; a child's ID is never kept (verification.h) */
    for (size_t i = 0; r->ctx.held && i < consent_count; i++)
        if (in[i].present && in[i].b && strcmp(consent_purposes[i].slug, "sensitive_identity"))
            return http_error(r, "guardian_consent_required", consent_purposes[i].slug);
    for (size_t i = 0; i < consent_count; i++) {
        if (!in[i].present) continue;
        int res = verif_consent_set(&r->ctx, r->ctx.user_id, consent_purposes[i].slug, in[i].b);
        if (res) return http_fail(r, res);
    }
    return http_json(r, 200, consents_json(r));
}

int api_me_cancel(req_t *r)
{
    static const in_field_t spec[] = {{"code", IN_STR, true, 6}};
    in_val_t in[1];
    json_t *receipt;
    if (http_input(r, spec, 1, in)) return 0;
    int res = acct_cancel(&r->ctx, r->ctx.user_id, in[0].s, &receipt);
    if (res) return http_fail(r, res);
    http_header(r, "Set-Cookie", "linli_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
    json_object_set_new(receipt, "status", json_string("cancelled"));
    json_object_set_new(receipt, "at", json_string(api_time(r, r->ctx.now)));
    return http_json(r, 200, receipt);
}

int api_recommendations(req_t *r)
{
    const char *city = http_query(r, "city");
    char *end;
    long long code = city ? strtoll(city, &end, 10) : 0;
    if (!city || *end || code <= 0 || code > 999999) return http_error(r, city ? "invalid_field" : "missing_field", "city");
    search_hit_t *hits;
    size_t n;
    bool personal;
    int res = search_recommend(&r->ctx, code, 20, &hits, &n, &personal);
    if (res) return http_fail(r, res);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(items, api_listing_summary(r, &hits[i].l, hits[i].photo));
    return http_json(r, 200, json_pack("{s:o, s:b}", "items", items, "personalized", personal));
}

int api_me_reads(req_t *r)
{
    audit_read_t *v;
    size_t n;
    if (audit_reads_of(&r->ctx, r->ctx.user_id, &v, &n)) return http_error(r, "internal", NULL);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *detail = json_loads(v[i].detail, 0, NULL);
        json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s, s:o}", "at", api_time(r, v[i].at), "event",
                                               v[i].event, "who", v[i].who, "why", audit_read_why(v[i].event), "detail",
                                               detail ? detail : json_object()));
    }
    return http_json(r, 200, json_pack("{s:o}", "items", items));
}
