/* routes.c — every page of the web site, in one table (and the published lists' JSON, E7). */
#include "web/web.h"
#include "web/policy_page.h"

#define PAGE(p, fn) {"GET", p, fn, R_PUBLIC, NULL}
/* a page that shows "signed in" when a session cookie comes with it; read-only for everyone else */
#define BROWSE(p, fn) {"GET", p, fn, R_OPTAUTH | R_READ_ANON, NULL}
/* a form post: urlencoded body, checked by web/form.c with its CSRF token */
#define FORM(p, fn) {"POST", p, fn, R_FORM, NULL}

const route_t web_routes[] = {
    BROWSE("/", web_home),
    BROWSE("/s", web_search),
    BROWSE("/l/{id}", web_listing),
    BROWSE("/login", web_login),
    FORM("/login/code", web_login_code),
    FORM("/login", web_login_submit),
    PAGE("/privacy", web_privacy),
    PAGE("/privacy/versions", web_privacy_versions),
    PAGE("/privacy/versions/{id}", web_privacy_version),
    PAGE("/api/v1/policy/versions/{id}", web_api_policy_version),
    PAGE("/api/v1/privacy/inventory", web_api_inventory),
    PAGE("/api/v1/privacy/sharing", web_api_sharing),
    PAGE("/static/{file}", web_static_file),
};
const size_t web_nroutes = sizeof web_routes / sizeof web_routes[0];
