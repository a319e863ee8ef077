/* routes.c — every page of the web site, in one table. */
#include "web/web.h"

/* The table is empty until the pages land; the sentinel keeps the array valid C. */
const route_t web_routes[] = {{"GET", "/.well-known/linli", NULL, R_PUBLIC, NULL}};
const size_t web_nroutes = 0;
