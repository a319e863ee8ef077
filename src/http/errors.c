/*
 * errors.c — every error a client can receive: stable code, HTTP status,
 * Chinese message, English message. One table, so codes never drift.
 */
#include "http/http.h"
#include "base/result.h"
#include "media/photo.h"
#include <stdio.h>
#include <string.h>

typedef struct {
    const char *code;
    unsigned status;
    const char *zh, *en;
} err_def_t;

static const err_def_t errors[] = {
    {"invalid_json", 400, "请求内容不是有效的 JSON", "The body is not valid JSON"},
    {"body_required", 400, "请求缺少 JSON 内容", "A JSON body is required"},
    {"unknown_field", 400, "请求包含不认识的字段", "The body has a field this endpoint does not take"},
    {"missing_field", 400, "缺少必填字段", "A required field is missing"},
    {"invalid_type", 400, "字段类型不正确", "A field has the wrong type"},
    {"invalid_field", 422, "字段内容不符合要求", "A field's value is not acceptable"},
    {"invalid_phone", 422, "请输入正确的中国大陆手机号码", "Enter a valid mainland China mobile number"},
    {"code_invalid", 400, "验证码不正确", "The code is wrong"},
    {"code_expired", 400, "验证码已失效，请重新获取", "The code has expired or was used; request a new one"},
    {"code_tries_exceeded", 429, "验证码错误次数过多，请重新获取", "Too many wrong tries; request a new code"},
    {"weak_password", 422, "密码长度须为8到128个字符", "The password must be 8 to 128 characters"},
    {"login_failed", 401, "手机号码或密码不正确", "Wrong phone number or password"},
    {"consent_required", 409, "请阅读并同意最新版隐私政策", "Accept the current privacy policy version to continue"},
    {"username_taken", 409, "该用户名已被使用", "That user name is taken"},
    {"unauthenticated", 401, "请先登录", "Sign in first"},
    {"account_erased", 401, "该账号已注销，其个人信息已销毁，无法恢复", "This account was cancelled; its personal data is destroyed"},
    {"csrf_failed", 403, "请求来源不被允许", "The request's origin is not allowed"},
    {"forbidden", 403, "没有权限", "Not allowed"},
    {"version_exists", 409, "该版本号已经存在", "That version label exists already"},
    {"already_reported", 409, "您已举报过这条信息", "You have already reported this listing"},
    {"invalid_state", 409, "信息当前的状态不允许这样操作", "The listing's state does not allow this"},
    {"no_keyword", 422, "请输入可以搜索的关键词", "Type a keyword that can be searched"},
    {"not_found", 404, "找不到该内容", "Not found"},
    {"method_not_allowed", 405, "不支持该请求方法", "Method not allowed"},
    {"body_too_large", 413, "请求内容过大", "The body is too large"},
    {"unsupported_media_type", 415, "请以 application/json 提交", "Send the body as application/json"},
    {"server_busy", 503, "服务器繁忙，请稍后再试", "The server is busy; try again in a moment"},
    {"rate_limited", 429, "操作太频繁，请稍后再试", "Too many requests; try again later"},
    {"sms_unavailable", 503, "短信暂时无法发送，请稍后再试", "SMS cannot be sent right now"},
    {"multipart_required", 415, "请以 multipart/form-data 上传", "Send the upload as multipart/form-data"},
    {"multipart_invalid", 400, "上传内容格式不正确", "The multipart body is malformed or over its limits"},
    {"too_many_photos", 409, "每条信息最多 9 张照片", "A listing has at most 9 photos"},
    {"partner_exists", 409, "该合作方已登记", "A partner with that name is registered already"},
    {"guardian_consent_required", 403, "未满14周岁的用户需监护人同意后才能继续使用",
     "A person under 14 needs a guardian's consent to continue"},
    {"adults_only", 403, "未满18周岁不能使用该类别", "This category is for adults only"},
    {"birth_year_locked", 409, "出生年份不能改为解除年龄限制的年份，如需更正请联系客服",
     "The birth year cannot be changed in a way that lifts an age rule; ask support to correct it"},
    {"not_a_minor", 409, "只有未满18周岁的用户需要监护人同意", "Only people under 18 need a guardian's consent"},
    {"guardian_consented", 409, "监护人已经同意", "A guardian has consented already"},
    {"guardian_not_requested", 409, "请先填写监护人手机号码", "Give the guardian's phone number first"},
    {"guardian_same_phone", 422, "监护人手机号码不能是您自己的号码", "The guardian's number cannot be your own"},
    {"merchant_exists", 409, "您已申请入驻，请等待审核结果", "This account has a merchant application already"},
    {"merchant_not_approved", 403, "商家入驻审核通过后才能发布服务", "The merchant must be approved before offering services"},
    {"slot_full", 409, "该时段已约满，请选择其他时间", "This slot is fully booked; choose another time"},
    {"slot_unavailable", 422, "该时间不在商家的服务时间内", "The time is outside the service's slots"},
    {"not_served", 422, "商家不提供该区县的上门服务", "The service does not reach that district"},
    {"own_service", 422, "不能预订自己的服务", "You cannot order your own service"},
    {"idempotency_key_reused", 422, "该幂等键已用于另一笔不同的请求", "The Idempotency-Key was used for a different request"},
    {"order_wrong_party", 403, "该操作应由订单的另一方进行", "The other party of the order makes this move"},
    {"order_wrong_state", 409, "订单当前的状态不允许这样操作", "The order's state does not allow this"},
    {"nothing_to_refund", 409, "这个订单没有已支付的款项可以退还", "The order holds no paid money to refund"},
    {"bad_signature", 401, "通知签名不正确", "The callback's signature does not verify"},
    {"review_exists", 409, "这个订单已经评价过了", "This order has been reviewed already"},
    {"review_locked", 409, "评价发布超过30天，不能再修改（仍可删除）", "The review is older than 30 days and can no longer be changed (it can still be deleted)"},
    {"review_replied", 409, "这条评价已经回复过了", "This review has a reply already"},
    {"membership_plan_unknown", 422, "没有这个会员套餐", "There is no such membership plan"},
    {"membership_none", 404, "您当前没有有效的会员", "You have no active membership"},
    {"payment_off", 503, "本站暂未开通在线支付", "This site does not take payments"},
    {"payment_unavailable", 503, "支付服务暂不可用，请稍后再试", "Payment is not available right now"},
    {"payment_mismatch", 422, "通知中的订单或金额与支付记录不符", "The callback's order or amount does not match the payment"},
    {"chat_blocked", 409, "对方已拒收您的消息，或您已屏蔽对方", "One of you has blocked this conversation"},
    {"chat_peer_gone", 409, "对方已注销账号，无法继续发送消息", "The other person has left; no more messages can be sent"},
    {"voice_unsupported_type", 415, "语音格式不支持，请使用 AMR、MP3、Opus 或 AAC/M4A",
     "Unsupported audio; send AMR, MP3, Ogg Opus or AAC/M4A"},
    {"voice_corrupt", 422, "语音文件已损坏，无法播放", "The audio file is damaged"},
    {"voice_too_large", 413, "语音文件不能超过 1 MB", "A voice note is at most 1 MB"},
    {"voice_too_long", 422, "语音不能超过 60 秒", "A voice note is at most 60 seconds long"},
    {"ticket_closed", 409, "该工单已关闭，如有新问题请重新提交", "The ticket is closed; open a new one"},
    {"already_invited", 409, "您已经填写过邀请码", "An invitation code was entered already"},
    {"invite_too_late", 409, "邀请码只能在注册后7天内填写", "An invitation code can be entered within 7 days of registering"},
    {"not_enough_points", 409, "积分不足", "Not enough points"},
    {"sensitive_consent_required", 409, "实名认证涉及敏感个人信息，请先单独同意“实名认证（敏感个人信息）”",
     "Real-name verification handles sensitive data: grant the separate consent \"sensitive_identity\" first"},
    {"id_number_format", 422, "身份证号应为18位：17位数字加1位数字或X", "The ID number must be 17 digits and a digit or X"},
    {"id_number_region", 422, "身份证号前6位不是有效的行政区划代码", "The ID number's first six digits are not a known division code"},
    {"id_number_birth", 422, "身份证号中的出生日期无效", "The date of birth in the ID number is not a valid past date"},
    {"id_number_check", 422, "身份证号校验位不正确，请核对后重新输入", "The ID number's check character is wrong; check the number"},
    {"bank_card_format", 422, "银行卡号应为12到19位数字", "The bank card number must be 12 to 19 digits"},
    {"bank_card_check", 422, "银行卡号校验不通过，请核对后重新输入", "The bank card number fails its check digit; check the number"},
    {"identity_mismatch", 422, "姓名与身份证号不一致", "The name and the ID number do not belong together"},
    {"already_verified", 409, "您已完成实名认证", "The account is verified already"},
    {"not_verified", 409, "请先完成实名认证", "Complete real-name verification first"},
    {"verifier_unavailable", 503, "实名认证服务暂时不可用，请稍后再试", "The verification service is unavailable; try again later"},
    {"face_check_unavailable", 503, "暂不支持人脸核验", "Face checks are not available on this site"},
    {"face_mismatch", 422, "人脸核验未通过", "The face check did not match"},
    {"credit_code_format", 422, "统一社会信用代码应为18位数字或大写字母（不含I、O、Z、S、V）",
     "The unified social credit code must be 18 digits or capitals (no I, O, Z, S, V)"},
    {"credit_code_check", 422, "统一社会信用代码校验位不正确，请核对后重新输入", "The credit code's check character is wrong"},
    {"organization_exists", 409, "您已提交过招聘单位", "An organisation is registered for this account already"},
    {"licence_missing", 409, "请先上传营业执照照片", "Upload the business licence photo first"},
    {"employer_review_required", 403, "招聘单位通过审核后才能使用此功能", "This needs an organisation approved by review"},
    {"job_quota_reached", 403, "未通过审核的招聘方最多同时发布少量招聘信息，请先提交招聘单位审核",
     "Without an approved organisation only a few job listings may be live; submit your organisation for review"},
    {"not_a_job", 422, "只能向招聘信息投递简历", "Resumes can only be sent to job listings"},
    {"already_applied", 409, "您已用这份简历投递过该职位", "This resume was sent to this job already"},
    {"own_listing", 422, "不能向自己发布的职位投递", "You cannot apply to your own listing"},
    {"interview_not_proposed", 409, "还没有待确认的面试邀请", "There is no interview proposal to answer"},
    {"internal", 500, "服务器内部错误", "Internal error"},
};

static err_def_t find(const char *code)
{
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
        if (!strcmp(errors[i].code, code)) return errors[i];
    /* the upload sanitiser's refusals keep the wording of media/photo.h */
    const photo_err_info_t *p = photo_refusal(code);
    if (p) return (err_def_t){p->code, (unsigned)p->http_status, p->msg_zh, p->msg_en};
    return errors[sizeof errors / sizeof errors[0] - 1];
}

int http_error(req_t *r, const char *code, const char *field)
{
    const err_def_t found = find(code), *e = &found;
    json_t *err = json_pack("{s:s, s:s, s:s}", "code", e->code, "message", e->zh, "message_en", e->en);
    if (field) json_object_set_new(err, "field", json_string(field));
    if (r->ctx.retry_after > 0 && e->status == 429) {
        char s[16];
        snprintf(s, sizeof s, "%d", r->ctx.retry_after);
        http_header(r, "Retry-After", arena_strdup(r->arena, s));
        json_object_set_new(err, "retry_after", json_integer(r->ctx.retry_after));
    }
    return http_json(r, e->status, json_pack("{s:o}", "error", err));
}

int http_fail(req_t *r, int res)
{
    if (r->ctx.err_code) return http_error(r, r->ctx.err_code, r->ctx.err_field);
    switch (res) {
    case LL_NOTFOUND: return http_error(r, "not_found", NULL);
    case LL_INVALID: return http_error(r, "invalid_field", NULL);
    case LL_DENIED: return http_error(r, "forbidden", NULL);
    case LL_LIMIT: return http_error(r, "rate_limited", NULL);
    default: return http_error(r, "internal", NULL);
    }
}
