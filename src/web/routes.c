/* routes.c — every page of the web site, in one table (and the published lists' JSON, E7). */
#include "web/web.h"

#define PAGE(p, fn) {"GET", p, fn, R_PUBLIC, NULL}

const route_t web_routes[] = {
    PAGE("/privacy", web_privacy),
    PAGE("/privacy/versions", web_privacy_versions),
    PAGE("/api/v1/privacy/inventory", web_api_inventory),
    PAGE("/api/v1/privacy/sharing", web_api_sharing),
    PAGE("/static/{file}", web_static_file),
};
const size_t web_nroutes = sizeof web_routes / sizeof web_routes[0];
