/* routes.c — every route of the JSON API, in one table (see docs/api.md). */
#include "api/api.h"

#define PUBLIC(m, p, fn) {m, p, fn, R_PUBLIC, NULL}
#define OPTAUTH(m, p, fn) {m, p, fn, R_OPTAUTH, NULL}
#define AUTH(m, p, fn) {m, p, fn, R_AUTH, NULL}
#define STAFF(m, p, fn, role) {m, p, fn, R_AUTH, role}

const route_t api_routes[] = {
    PUBLIC("GET", "/healthz", api_healthz),
    PUBLIC("GET", "/api/v1/policy", api_policy_current),
    PUBLIC("GET", "/api/v1/policy/versions", api_policy_versions),
    PUBLIC("POST", "/api/v1/auth/sms-code", api_auth_sms_code),
    PUBLIC("POST", "/api/v1/auth/login", api_auth_login),
    AUTH("POST", "/api/v1/auth/logout", api_auth_logout),
    AUTH("GET", "/api/v1/me", api_me_get),
    AUTH("PATCH", "/api/v1/me", api_me_patch),
    AUTH("PUT", "/api/v1/me/password", api_me_password),
    AUTH("GET", "/api/v1/me/sessions", api_me_sessions),
    AUTH("DELETE", "/api/v1/me/sessions/{id}", api_me_session_delete),
    AUTH("GET", "/api/v1/me/listings", api_me_listings),
    AUTH("DELETE", "/api/v1/me", api_me_cancel),
    AUTH("GET", "/api/v1/me/data", api_me_data),
    AUTH("GET", "/api/v1/me/export", api_me_export),
    AUTH("GET", "/api/v1/me/consents", api_me_consents),
    AUTH("PUT", "/api/v1/me/consents", api_me_consents_put),
    OPTAUTH("GET", "/api/v1/recommendations", api_recommendations),
    AUTH("GET", "/api/v1/me/history", api_me_history),
    AUTH("DELETE", "/api/v1/me/history", api_me_history_clear),
    PUBLIC("GET", "/api/v1/categories", api_categories),
    PUBLIC("GET", "/api/v1/regions", api_regions),
    AUTH("POST", "/api/v1/listings", api_listing_create),
    OPTAUTH("GET", "/api/v1/listings/{id}", api_listing_get),
    AUTH("PATCH", "/api/v1/listings/{id}", api_listing_patch),
    AUTH("DELETE", "/api/v1/listings/{id}", api_listing_delete),
    AUTH("POST", "/api/v1/listings/{id}/renew", api_listing_renew),
    AUTH("GET", "/api/v1/listings/{id}/contact", api_listing_contact),
    AUTH("POST", "/api/v1/listings/{id}/reports", api_listing_report),
    OPTAUTH("GET", "/api/v1/search", api_search),
    STAFF("GET", "/api/v1/admin/listings", api_admin_queue, "moderator"),
    STAFF("GET", "/api/v1/admin/listings/{id}", api_admin_listing, "moderator"),
    STAFF("POST", "/api/v1/admin/listings/{id}/approve", api_admin_approve, "moderator"),
    STAFF("POST", "/api/v1/admin/listings/{id}/reject", api_admin_reject, "moderator"),
    STAFF("GET", "/api/v1/admin/blocklist", api_admin_blocklist, "moderator"),
    STAFF("POST", "/api/v1/admin/blocklist", api_admin_block_add, "moderator"),
    STAFF("DELETE", "/api/v1/admin/blocklist/{id}", api_admin_block_delete, "moderator"),
};
const size_t api_nroutes = sizeof api_routes / sizeof api_routes[0];
