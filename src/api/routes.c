/* routes.c — every route of the JSON API, in one table (see docs/api.md). */
#include "api/api.h"

const route_t api_routes[] = {
    {"GET", "/healthz", api_healthz, R_PUBLIC},
    {"GET", "/api/v1/policy", api_policy_current, R_PUBLIC},
    {"GET", "/api/v1/policy/versions", api_policy_versions, R_PUBLIC},
    {"POST", "/api/v1/auth/sms-code", api_auth_sms_code, R_PUBLIC},
    {"POST", "/api/v1/auth/login", api_auth_login, R_PUBLIC},
    {"POST", "/api/v1/auth/logout", api_auth_logout, R_AUTH},
    {"GET", "/api/v1/me", api_me_get, R_AUTH},
    {"PATCH", "/api/v1/me", api_me_patch, R_AUTH},
    {"PUT", "/api/v1/me/password", api_me_password, R_AUTH},
    {"GET", "/api/v1/me/sessions", api_me_sessions, R_AUTH},
    {"DELETE", "/api/v1/me/sessions/{id}", api_me_session_delete, R_AUTH},
};
const size_t api_nroutes = sizeof api_routes / sizeof api_routes[0];
