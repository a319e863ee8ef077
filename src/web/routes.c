/* routes.c — every page of the web site, in one table (and the published lists' JSON, E7). */
#include "web/web.h"
#include "web/policy_page.h"
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
