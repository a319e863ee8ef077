/* routes.c — every page of the web site, in one table (and the published lists' JSON, E7). */
#include "web/web.h"
#include "web/policy_page.h"
#include "web/hs_pages.h"
#include "web/jobs.h"
#include "web/webchat.h"
#include "web/dispute_page.h"

#define PAGE(p, fn) {"GET", p, fn, R_PUBLIC, NULL}
/* a page that shows "signed in" when a session cookie comes with it; read-only for everyone else */
#define BROWSE(p, fn) {"GET", p, fn, R_OPTAUTH | R_READ_ANON, NULL}
/* a form post: urlencoded body, checked by web/form.c with its CSRF token */
#define FORM(p, fn) {"POST", p, fn, R_FORM, NULL}
/* a signed-in person's page: no session → /login, a major policy change waiting → /consent */
#define USER(p, fn) {"GET", p, fn, R_AUTH | R_PAGE | R_READ, NULL}
/* a signed-in person's form post (CSRF token and Origin both checked) */
#define ACT(p, fn) {"POST", p, fn, R_AUTH | R_PAGE | R_FORM, NULL}
/* what a person may do before accepting a new major policy, and while a child waits for a guardian (H1, H3) */
#define RIGHTS (R_AUTH | R_PAGE | R_ANY_POLICY | R_HELD_OK)
/* the staff console: moderators only (F5, least privilege) */
#define STAFF_PAGE(p, fn) {"GET", p, fn, R_AUTH | R_PAGE | R_READ, "moderator"}
#define STAFF_ACT(p, fn) {"POST", p, fn, R_AUTH | R_PAGE | R_FORM, "moderator"}
/* a signed-in page whose GET may write the audit log (an employer's resume reads, a denied read: C6), so not R_READ */
#define USER_AUDITED(p, fn) {"GET", p, fn, R_AUTH | R_PAGE, NULL}
/* publishing a policy version: admins only, as POST /api/v1/admin/policy (H3, F5) */
#define ADMIN_PAGE(p, fn) {"GET", p, fn, R_AUTH | R_PAGE | R_READ, "admin"}
#define ADMIN_ACT(p, fn) {"POST", p, fn, R_AUTH | R_PAGE | R_FORM, "admin"}

const route_t web_routes[] = {
    BROWSE("/", web_home),
    BROWSE("/s", web_search),
    BROWSE("/l/{id}", web_listing),
    ACT("/l/{id}/contact", web_listing_contact),
    ACT("/l/{id}/report", web_listing_report),
    BROWSE("/login", web_login),
    FORM("/login/code", web_login_code),
    FORM("/login", web_login_submit),
    {"POST", "/logout", web_logout, RIGHTS | R_FORM, NULL},
    {"GET", "/consent", web_consent, RIGHTS | R_READ, NULL},
    {"POST", "/consent", web_consent_accept, RIGHTS | R_FORM, NULL},
    USER("/post", web_post),
    ACT("/post", web_post_submit),
    USER("/me/listings/{id}", web_my_listing),
    USER("/me/listings/{id}/edit", web_edit),
    ACT("/me/listings/{id}/edit", web_edit_submit),
    {"POST", "/me/listings/{id}/photos", web_photo_upload, R_AUTH | R_PAGE | R_UPLOAD, NULL},
    ACT("/me/listings/{id}/photos/{id}/delete", web_photo_delete),
    ACT("/me/listings/{id}/renew", web_my_renew),
    ACT("/me/listings/{id}/delete", web_my_delete),
    {"GET", "/me", web_me, RIGHTS | R_READ, NULL},
    ACT("/me/profile", web_me_profile),
    {"POST", "/me/history/clear", web_me_history_clear, RIGHTS | R_FORM, NULL},
    {"POST", "/me/sessions/{id}/end", web_me_session_end, RIGHTS | R_FORM, NULL},
    {"POST", "/me/consents", web_me_consents, RIGHTS | R_FORM, NULL},
    {"POST", "/me/messages/{id}/read", web_me_message_read, RIGHTS | R_FORM, NULL},
    {"GET", "/me/cancel", web_cancel, RIGHTS | R_READ, NULL},
    {"POST", "/me/cancel/code", web_cancel_code, RIGHTS | R_FORM, NULL},
    {"POST", "/me/cancel", web_cancel_submit, RIGHTS | R_FORM, NULL},
    {"GET", "/stats", web_stats, R_OPTAUTH | R_READ, NULL},
    STAFF_PAGE("/staff", web_staff),
    STAFF_ACT("/staff/listings/{id}/decide", web_staff_decide),
    STAFF_ACT("/staff/listings/{id}/verify", web_staff_verify),
    STAFF_ACT("/staff/blocklist", web_staff_block_add),
    STAFF_ACT("/staff/blocklist/{id}/delete", web_staff_block_remove),
    /* websvc: home services (JX, C8, C5, C9, E6) and memberships (A6); hs_pages.h */
    BROWSE("/services", web_services),
    BROWSE("/services/{id}", web_service),
    USER("/services/{id}/order", web_order_form),
    ACT("/services/{id}/order", web_order_submit),
    USER("/me/orders", web_my_orders),
    {"GET", "/orders/{id}", web_order, R_AUTH | R_PAGE, NULL}, /* not R_READ: a reveal to the merchant is audited */
    ACT("/orders/{id}/pay", web_order_pay),
    ACT("/orders/{id}/move", web_order_move),
    {"POST", "/orders/{id}/review", web_order_review, R_AUTH | R_PAGE | R_UPLOAD, NULL},
    {"POST", "/orders/{id}/review/photos", web_order_review_photo, R_AUTH | R_PAGE | R_UPLOAD, NULL},
    USER("/pay/return", web_pay_return),
    USER("/merchant", web_merchant),
    USER("/merchant/apply", web_merchant_apply),
    ACT("/merchant/apply", web_merchant_apply_submit),
    USER("/merchant/services/new", web_service_new),
    ACT("/merchant/services", web_service_create),
    USER("/merchant/orders", web_merchant_orders),
    STAFF_PAGE("/staff/merchants", web_staff_merchants),
    STAFF_ACT("/staff/merchants/{id}/review", web_staff_merchant_review),
    STAFF_ACT("/staff/merchants/{id}/license", web_staff_merchant_license),
    USER("/me/membership", web_membership),
    ACT("/me/membership/buy", web_membership_buy),
    ACT("/me/membership/cancel", web_membership_cancel),
    /* end websvc */
    /* ---- jobs: resumes, applications, 实名认证, 企业认证, and their staff console (webjobs) ---- */
    USER("/me/resume", web_resume_list),
    USER("/me/resume/new", web_resume_new),
    ACT("/me/resume", web_resume_create),
    USER_AUDITED("/me/resume/{id}", web_resume_edit),
    ACT("/me/resume/{id}", web_resume_update),
    ACT("/me/resume/{id}/delete", web_resume_delete),
    ACT("/l/{id}/apply", web_apply),
    USER("/me/applications", web_my_applications),
    ACT("/me/applications/{id}/withdraw", web_app_withdraw),
    ACT("/me/applications/{id}/interview", web_app_answer),
    USER("/me/hiring", web_hiring),
    USER_AUDITED("/me/hiring/{id}", web_hiring_listing),
    ACT("/me/hiring/{id}/applications/{id}", web_app_mark),
    ACT("/me/hiring/{id}/applications/{id}/interview", web_app_propose),
    {"GET", "/me/verify", web_verify, R_AUTH | R_PAGE | R_READ | R_HELD_OK, NULL}, /* H1: a held child may prove its age */
    {"POST", "/me/verify", web_verify_submit, R_AUTH | R_PAGE | R_FORM | R_HELD_OK, NULL},
    {"POST", "/me/verify/withdraw", web_verify_withdraw, RIGHTS | R_FORM, NULL}, /* G3: withdrawing is always open */
    USER("/me/org", web_org),
    ACT("/me/org", web_org_submit),
    {"POST", "/me/org/licence", web_org_licence, R_AUTH | R_PAGE | R_UPLOAD, NULL},
    STAFF_PAGE("/staff/orgs", web_staff_orgs),
    STAFF_ACT("/staff/orgs/{id}/read", web_staff_org_read),
    STAFF_ACT("/staff/orgs/{id}/decide", web_staff_org_decide),
    STAFF_PAGE("/staff/reports", web_staff_reports),
    ADMIN_PAGE("/staff/policy", web_staff_policy),
    ADMIN_ACT("/staff/policy", web_staff_policy_publish),
    /* ---- end of jobs ---- */
    /* webchat: 消息 (C10), 客服 (C2, H5), 邀请有礼 (C4), guardian (H1), password (A4) — src/web/webchat.h */
    USER("/me/chats", web_chats),
    {"GET", "/me/chats/{id}", web_chat, R_AUTH | R_PAGE, NULL}, /* opening it moves the read mark: not R_READ */
    ACT("/me/chats/{id}/send", web_chat_send),
    {"POST", "/me/chats/{id}/voice", web_chat_voice, R_AUTH | R_PAGE | R_UPLOAD, NULL},
    USER("/me/chats/{id}/voice/{id}", web_chat_voice_file),
    ACT("/me/chats/{id}/block", web_chat_block),
    ACT("/chats/start", web_chat_start),
    USER("/me/tickets", web_tickets),
    ACT("/me/tickets", web_ticket_open),
    USER("/me/tickets/{id}", web_ticket),
    ACT("/me/tickets/{id}/reply", web_ticket_reply),
    ACT("/me/tickets/{id}/close", web_ticket_close),
    {"GET", "/staff/tickets", web_staff_tickets, R_AUTH | R_PAGE | R_READ, "support"},
    {"GET", "/staff/tickets/{id}", web_staff_ticket, R_AUTH | R_PAGE, "support"}, /* the read is audited (F5) */
    {"POST", "/staff/tickets/{id}/reply", web_staff_ticket_reply, R_AUTH | R_PAGE | R_FORM, "support"},
    {"POST", "/staff/tickets/{id}/close", web_staff_ticket_close, R_AUTH | R_PAGE | R_FORM, "support"},
    {"GET", "/me/invite", web_invite, R_AUTH | R_PAGE, NULL}, /* makes the code on first use: not R_READ */
    ACT("/me/invite/accept", web_invite_accept),
    USER("/me/invite/claim", web_gift_claim),
    ACT("/me/invite/claim", web_gift_claim_submit),
    {"GET", "/me/guardian", web_guardian, R_AUTH | R_PAGE | R_HELD_OK | R_READ, NULL},
    {"POST", "/me/guardian/code", web_guardian_code, R_AUTH | R_PAGE | R_HELD_OK | R_FORM, NULL},
    {"POST", "/me/guardian/confirm", web_guardian_confirm, R_AUTH | R_PAGE | R_HELD_OK | R_FORM, NULL},
    USER("/me/password", web_password),
    ACT("/me/password/code", web_password_code),
    ACT("/me/password", web_password_submit),
    BROWSE("/login/password", web_login_password),
    FORM("/login/password", web_login_password_submit),
    /* end webchat */
    PAGE("/privacy", web_privacy),
    PAGE("/privacy/versions", web_privacy_versions),
    PAGE("/privacy/versions/{id}", web_privacy_version),
    PAGE("/api/v1/policy/versions/{id}", web_api_policy_version),
    PAGE("/api/v1/privacy/inventory", web_api_inventory),
    PAGE("/api/v1/privacy/sharing", web_api_sharing),
    PAGE("/static/{file}", web_static_file),
    /* svc3 — disputes (E6): the support staff settle disputed orders */
    {"GET", "/staff/disputes", web_staff_disputes, R_AUTH | R_PAGE | R_READ, "support"},
    {"POST", "/staff/disputes/{id}/resolve", web_staff_dispute_resolve, R_AUTH | R_PAGE | R_FORM, "support"},
};
const size_t web_nroutes = sizeof web_routes / sizeof web_routes[0];
