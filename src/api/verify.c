/* verify.c — real-name verification (C1, H1): submit, see it masked, the face check. */
#include "api/api.h"
#include "base/result.h"
#include "domain/verification.h"
#include "http/multipart.h"
#include <string.h>

static json_t *status_json(req_t *r, const verif_status_t *s)
{
    if (!s->verified) return json_pack("{s:b}", "verified", false);
    return json_pack("{s:b, s:s, s:s, s:s, s:o, s:s}", "verified", true, "verified_at", api_time(r, s->verified_at),
                     "name", s->name ? s->name : "", "id_number", s->id_number ? s->id_number : "", "bank_card",
                     s->bank_card ? json_string(s->bank_card) : json_null(), "method", s->method ? s->method : "");
}

int api_me_verification_post(req_t *r)
{
    static const in_field_t spec[] = {
        {"name", IN_STR, true, 30}, {"id_number", IN_STR, true, 18}, {"bank_card", IN_STR_NULL, false, 19}};
    in_val_t in[3];
    verif_status_t s;
    if (http_input(r, spec, 3, in)) return 0;
    verif_in_t v = {in[0].s, in[1].s, in[2].present && !in[2].is_null ? in[2].s : NULL};
    int res = verif_submit(&r->ctx, &v, &s);
    if (res) return http_fail(r, res);
    return http_json(r, 200, status_json(r, &s));
}

int api_me_verification_get(req_t *r)
{
    verif_status_t s;
    int res = verif_status(&r->ctx, r->ctx.user_id, &s);
    if (res) return http_fail(r, res);
    return http_json(r, 200, status_json(r, &s));
}

int api_me_verification_face(req_t *r)
{
    multipart_t mp;
    const multipart_part_t *part = api_one_part(r, "photo", &mp); /* exactly one */
    if (!part) return 0;
    int res = verif_face(&r->ctx, part->data, part->len);
    if (res) return http_fail(r, res);
    return http_json(r, 200, json_pack("{s:b}", "face_verified", true));
}
