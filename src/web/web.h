/*
 * web.h — the server-rendered pages (Simplified Chinese, mobile first).
 * Their routes live in their own table, joined to the API's at start.
 */
#ifndef LL_WEB_H
#define LL_WEB_H
#include "http/http.h"

extern const route_t web_routes[];
extern const size_t web_nroutes;

#endif
