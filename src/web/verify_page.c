/*
 * verify_page.c — 实名认证 (C1, H1, G3): submit a name, an ID number and
 * optionally a bank card with the separate consent for sensitive personal
 * information, see the result masked, withdraw the consent.
 *
 * What always holds: the consent box is never ticked when the page is
 * drawn, and a submission without it changes nothing. Ticking it records
 * the "sensitive_identity" consent, which verif_submit requires before it
 * looks at anything; when the submission then fails (a format, a mismatch,
 * the verifier away), a consent this very request recorded is taken back,
 * so a refused attempt leaves no consent behind the person did not see
 * succeed. The one exception is a child's account (guardian consent
 * needed): its age was recorded as the law requires and withdrawing would
 * erase it. The stored fields are shown masked only (F_MASKED_ONLY), and
 * withdrawing goes through verif_consent_set, which erases the verification
 * in the same transaction, exactly as PUT /api/v1/me/consents does.
 */
#include "base/result.h"
#include "domain/consent.h"
#include "domain/verification.h"
#include "domain/verifier.h"
#include "web/form.h"
#include "web/jobs.h"
#include "web/policy_page.h"
#include "web/web.h"
#include <string.h>

#define CONSENT_SLUG "sensitive_identity"

static const struct {
    const char *done, *text;
} dones[] = {
    {"verified", "实名认证已通过。其他人只能看到“已实名”标记。"},
    {"withdrawn", "已撤回同意，实名认证信息已删除。"},
};

static const char *method_text(const char *m)
{
    if (m && !strcmp(m, "provider")) return "经实名认证服务商核验";
    if (m && !strcmp(m, "local_list")) return "与平台登记的名单核对";
    return "平台核对身份证号格式和校验位";
}

/* The field at fault and what to say next to it; field NULL: a page-level message. */
typedef struct {
    const char *field, *text;
    const web_form_t *sent;
} verr_t;

static int render_verify(req_t *r, unsigned status, const verr_t *e)
{
    verif_status_t s;
    int res = verif_status(&r->ctx, r->ctx.user_id, &s);
    if (res) return http_fail(r, res);
    bool granted = consent_granted(&r->ctx, r->ctx.user_id, CONSENT_SLUG);
    const verifier_t *v = r->ctx.verifier;
    json_t *ctx = json_pack("{s:s, s:s, s:b, s:b, s:b}", "title", "实名认证", "csrf", web_csrf_token(r), "verified",
                            s.verified, "granted", granted, "nav_me", true);
    if (s.verified) {
        json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "name", s.name ? s.name : "", "id_number",
                              s.id_number ? s.id_number : "", "date", web_date_cn(r->arena, s.verified_at, NULL),
                              "method", method_text(s.method));
        if (s.bank_card) json_object_set_new(o, "bank_card", json_string(s.bank_card));
        json_object_set_new(ctx, "status", o);
    }
    if (v && v->host) json_object_set_new(ctx, "provider", json_string(v->host));
    if (e && e->field) {
        json_object_set_new(ctx, arena_printf(r->arena, "%s_error", e->field), json_string(e->text));
        json_object_set_new(ctx, "error", json_string("认证没有通过，请按提示修改后重新提交。"));
    } else if (e) {
        json_object_set_new(ctx, "error", json_string(e->text));
    }
    /* what was typed is shown again, except the ID and card numbers: sensitive, typed once more */
    const char *name = e && e->sent ? web_form_get(e->sent, "name") : NULL;
    if (name) json_object_set_new(ctx, "name_value", json_string(name));
    const char *done = http_query(r, "done");
    for (size_t i = 0; done && status == 200 && i < sizeof dones / sizeof dones[0]; i++)
        if (!strcmp(done, dones[i].done)) json_object_set_new(ctx, "done", json_string(dones[i].text));
    return web_page(r, status, "verify", ctx);
}

int web_verify(req_t *r)
{
    return render_verify(r, 200, NULL);
}

/* The domain's refusal, next to its field (or for the whole page). */
static verr_t verify_error(const char *code, const char *field)
{
    static const struct {
        const char *code, *field, *text;
    } msgs[] = {
        {"id_number_format", "id_number", "身份证号应为 18 位：17 位数字加最后 1 位数字或 X。"},
        {"id_number_region", "id_number", "身份证号的前 6 位不是有效的地区代码，请检查是否输错。"},
        {"id_number_birth", "id_number", "身份证号中的出生日期无效，请检查是否输错。"},
        {"id_number_check", "id_number", "身份证号的最后一位校验码不对，请检查是否输错。"},
        {"bank_card_format", "bank_card", "银行卡号应为 12 到 19 位数字，或者留空。"},
        {"bank_card_check", "bank_card", "银行卡号校验不通过，请检查是否输错。"},
        {"identity_mismatch", "name", "姓名与身份证号不匹配，请检查后重试。"},
        {"already_verified", NULL, "您已经完成实名认证。"},
        {"verifier_unavailable", NULL, "实名认证服务暂时不可用，请稍后再试。没有保存任何信息。"},
    };
    for (size_t i = 0; code && i < sizeof msgs / sizeof msgs[0]; i++)
        if (!strcmp(msgs[i].code, code)) return (verr_t){msgs[i].field, msgs[i].text, NULL};
    if (field && !strcmp(field, "name")) return (verr_t){"name", "请填写身份证上的姓名（2 到 30 个字，不含数字）。", NULL};
    return (verr_t){NULL, "认证没有完成，请检查填写的内容后重试。", NULL};
}

static unsigned verify_status_code(int res)
{
    return res == LL_INVALID ? 422 : res == LL_CONFLICT ? 409 : res == LL_DENIED ? 403 : 503;
}

int web_verify_submit(req_t *r)
{
    web_form_t f;
    verif_status_t s;
    if (web_form_read(r, &f)) return 0;
    const char *name = web_form_get(&f, "name"), *id = web_form_get(&f, "id_number"),
               *card = web_form_get(&f, "bank_card");
    if (!web_form_get(&f, "consent")) /* C1: the separate consent, ticked by the person for this submission */
        return render_verify(r, 400, &(verr_t){"consent", "请阅读说明并勾选单独同意后再提交；不同意也不影响使用其他功能。", &f});
    if (!name || strlen(name) > 120 || !id || strlen(id) > 18 || (card && strlen(card) > 19))
        return render_verify(r, 422, &(verr_t){!name || strlen(name) > 120 ? "name" : !id || strlen(id) > 18
                                                                                  ? "id_number" : "bank_card",
                                                "内容过长，请检查后重新填写。", &f});
    bool had = consent_granted(&r->ctx, r->ctx.user_id, CONSENT_SLUG);
    int res = had ? LL_OK : verif_consent_set(&r->ctx, r->ctx.user_id, CONSENT_SLUG, true);
    if (res) return http_fail(r, res);
    verif_in_t in = {name, id, card && *card ? card : NULL};
    r->ctx.err_code = r->ctx.err_field = NULL;
    res = verif_submit(&r->ctx, &in, &s);
    if (res == LL_OK) return web_redirect(r, "/me/verify?done=verified");
    const char *code = r->ctx.err_code, *field = r->ctx.err_field;
    if (res == LL_DENIED) /* H1: under 14 — the age is recorded, the ID is not kept, a guardian must consent */
        return web_message(r, 403, "需要监护人同意", "根据您的身份证号，您未满14周岁。您的身份证信息没有保存；请在监护人同意后再使用发布和联系等功能。",
                           "/me", "前往我的页面");
    if (!had && verif_consent_set(&r->ctx, r->ctx.user_id, CONSENT_SLUG, false)) return http_fail(r, LL_ERR);
    if (res == LL_ERR && !(code && !strcmp(code, "verifier_unavailable"))) return http_fail(r, res);
    verr_t e = verify_error(code, field);
    e.sent = &f;
    return render_verify(r, verify_status_code(res), &e);
}

int web_verify_withdraw(req_t *r)
{
    web_form_t f;
    if (web_form_read(r, &f)) return 0;
    int res = verif_consent_set(&r->ctx, r->ctx.user_id, CONSENT_SLUG, false); /* erases the verification too (C1) */
    if (res) return http_fail(r, res);
    return web_redirect(r, "/me/verify?done=withdrawn");
}
