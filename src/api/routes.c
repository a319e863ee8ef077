/* routes.c — every route of the JSON API, in one table (see docs/api.md). */
#include "api/api.h"

#define PUBLIC(m, p, fn) {m, p, fn, R_PUBLIC, NULL}
#define OPTAUTH(m, p, fn) {m, p, fn, R_OPTAUTH, NULL}
#define AUTH(m, p, fn) {m, p, fn, R_AUTH, NULL}
#define STAFF(m, p, fn, role) {m, p, fn, R_AUTH, role}
#define READ(m, p, fn) {m, p, fn, R_PUBLIC | R_READ, NULL}
#define AUTH_READ(m, p, fn) {m, p, fn, R_AUTH | R_READ, NULL}
/* H1: what a child's account may do while it waits for a guardian's consent */
#define HELD_OK(m, p, fn, flags) {m, p, fn, R_AUTH | R_HELD_OK | (flags), NULL}

const route_t api_routes[] = {
    {"GET", "/healthz", api_healthz, R_NODB, NULL},
    READ("GET", "/api/v1/policy", api_policy_current),
    READ("GET", "/api/v1/policy/versions", api_policy_versions),
    READ("GET", "/api/v1/stats", api_stats),
    PUBLIC("POST", "/api/v1/auth/sms-code", api_auth_sms_code),
    PUBLIC("POST", "/api/v1/auth/login", api_auth_login),
    HELD_OK("POST", "/api/v1/auth/logout", api_auth_logout, R_ANY_POLICY),
    HELD_OK("POST", "/api/v1/me/policy", api_me_policy_accept, R_ANY_POLICY),
    STAFF("POST", "/api/v1/admin/policy", api_admin_policy_publish, "admin"),
    HELD_OK("GET", "/api/v1/me", api_me_get, R_READ),
    HELD_OK("PATCH", "/api/v1/me", api_me_patch, 0), /* held: the birth year only (acct_profile_update) */
    AUTH("PUT", "/api/v1/me/password", api_me_password),
    {"GET", "/api/v1/me/sessions", api_me_sessions, R_AUTH | R_READ | R_ANY_POLICY | R_HELD_OK, NULL},
    {"DELETE", "/api/v1/me/sessions/{id}", api_me_session_delete, R_AUTH | R_ANY_POLICY | R_HELD_OK, NULL},
    AUTH_READ("GET", "/api/v1/me/listings", api_me_listings),
    HELD_OK("DELETE", "/api/v1/me", api_me_cancel, R_ANY_POLICY),
    HELD_OK("GET", "/api/v1/me/data", api_me_data, R_READ | R_ANY_POLICY),
    HELD_OK("GET", "/api/v1/me/export", api_me_export, R_READ | R_ANY_POLICY),
    {"GET", "/api/v1/me/consents", api_me_consents, R_AUTH | R_READ | R_ANY_POLICY | R_HELD_OK, NULL},
    AUTH_READ("GET", "/api/v1/me/reads", api_me_reads),
    {"PUT", "/api/v1/me/consents", api_me_consents_put, R_AUTH | R_ANY_POLICY | R_HELD_OK, NULL},
    {"GET", "/api/v1/recommendations", api_recommendations, R_OPTAUTH | R_READ, NULL},
    AUTH_READ("GET", "/api/v1/me/history", api_me_history),
    {"DELETE", "/api/v1/me/history", api_me_history_clear, R_AUTH | R_ANY_POLICY | R_HELD_OK, NULL},
    {"GET", "/api/v1/categories", api_categories, R_NODB, NULL},
    {"GET", "/api/v1/regions", api_regions, R_NODB, NULL},
    AUTH("POST", "/api/v1/listings", api_listing_create),
    {"GET", "/api/v1/listings/{id}", api_listing_get, R_OPTAUTH | R_READ_ANON, NULL},
    AUTH("PATCH", "/api/v1/listings/{id}", api_listing_patch),
    AUTH("DELETE", "/api/v1/listings/{id}", api_listing_delete),
    AUTH("POST", "/api/v1/listings/{id}/renew", api_listing_renew),
    AUTH("GET", "/api/v1/listings/{id}/contact", api_listing_contact),
    AUTH("POST", "/api/v1/listings/{id}/reports", api_listing_report),
    {"GET", "/api/v1/search", api_search, R_OPTAUTH | R_READ_ANON, NULL},
    STAFF("GET", "/api/v1/admin/listings", api_admin_queue, "moderator"),
    STAFF("GET", "/api/v1/admin/listings/{id}", api_admin_listing, "moderator"),
    STAFF("POST", "/api/v1/admin/listings/{id}/approve", api_admin_approve, "moderator"),
    STAFF("POST", "/api/v1/admin/listings/{id}/reject", api_admin_reject, "moderator"),
    STAFF("GET", "/api/v1/admin/blocklist", api_admin_blocklist, "moderator"),
    STAFF("POST", "/api/v1/admin/blocklist", api_admin_block_add, "moderator"),
    STAFF("DELETE", "/api/v1/admin/blocklist/{id}", api_admin_block_delete, "moderator"),
    {"POST", "/api/v1/listings/{id}/photos", api_photo_add, R_AUTH | R_UPLOAD, NULL},
    AUTH("DELETE", "/api/v1/listings/{id}/photos/{id}", api_photo_delete),
    PUBLIC("GET", "/photos/{file}", api_photo_file),
    STAFF("POST", "/api/v1/admin/disclosures", api_admin_disclosure, "admin"),
    STAFF("POST", "/api/v1/admin/partners", api_admin_partner_add, "admin"),
    STAFF("GET", "/api/v1/admin/partners", api_admin_partners, "admin"),
    {"GET", "/api/v1/me/shares", api_me_shares, R_AUTH | R_READ | R_ANY_POLICY | R_HELD_OK, NULL},
    HELD_OK("POST", "/api/v1/me/guardian", api_me_guardian, 0),
    HELD_OK("POST", "/api/v1/me/guardian/confirm", api_me_guardian_confirm, 0),
    HELD_OK("GET", "/api/v1/me/messages", api_me_messages, R_READ | R_ANY_POLICY), /* F8: a notice reaches a held child too */
    HELD_OK("POST", "/api/v1/me/messages/{id}/read", api_me_message_read, R_ANY_POLICY),
    STAFF("POST", "/api/v1/admin/incidents", api_admin_incident, "admin"),
    /* C1, H1: a held account may prove its age with an ID; a child's ID is then not kept */
    HELD_OK("POST", "/api/v1/me/verification", api_me_verification_post, 0),
    HELD_OK("GET", "/api/v1/me/verification", api_me_verification_get, R_READ),
    {"POST", "/api/v1/me/verification/face", api_me_verification_face, R_AUTH | R_UPLOAD, NULL},
    AUTH("POST", "/api/v1/organizations", api_org_create),
    AUTH_READ("GET", "/api/v1/me/organization", api_me_organization),
    {"PUT", "/api/v1/organizations/{id}/licence", api_org_licence, R_AUTH | R_UPLOAD, NULL},
    STAFF("GET", "/api/v1/admin/organizations", api_admin_orgs, "moderator"),
    STAFF("GET", "/api/v1/admin/organizations/{id}", api_admin_org, "moderator"),
    STAFF("GET", "/api/v1/admin/organizations/{id}/licence", api_admin_org_licence, "moderator"),
    STAFF("POST", "/api/v1/admin/organizations/{id}/approve", api_admin_org_approve, "moderator"),
    STAFF("POST", "/api/v1/admin/organizations/{id}/reject", api_admin_org_reject, "moderator"),
    /* C6, E5, C11: resume reads are never R_READ: a refusal or an employer's read writes the audit log */
    AUTH("POST", "/api/v1/resumes", api_resume_create),
    AUTH_READ("GET", "/api/v1/resumes", api_resume_search),
    AUTH_READ("GET", "/api/v1/me/resumes", api_me_resumes),
    AUTH("GET", "/api/v1/resumes/{id}", api_resume_get),
    AUTH("PATCH", "/api/v1/resumes/{id}", api_resume_patch),
    AUTH("DELETE", "/api/v1/resumes/{id}", api_resume_delete),
    AUTH("POST", "/api/v1/listings/{id}/applications", api_application_create),
    AUTH("GET", "/api/v1/listings/{id}/applications", api_listing_applications),
    AUTH_READ("GET", "/api/v1/me/applications", api_me_applications),
    AUTH("PATCH", "/api/v1/applications/{id}", api_application_patch),
    AUTH("POST", "/api/v1/applications/{id}/withdraw", api_application_withdraw),
    AUTH("POST", "/api/v1/applications/{id}/interview", api_interview_propose),
    AUTH("POST", "/api/v1/applications/{id}/interview/accept", api_interview_accept),
    AUTH("POST", "/api/v1/applications/{id}/interview/decline", api_interview_decline),
    AUTH("GET", "/api/v1/applications/{id}/interview.ics", api_interview_ics),
};
const size_t api_nroutes = sizeof api_routes / sizeof api_routes[0];
