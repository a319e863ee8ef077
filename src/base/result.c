/* result.c — names of result codes, for logs and messages. */
#include "base/result.h"

const char *ll_res_name(ll_res_t r)
{
    switch (r) {
    case LL_OK: return "ok";
    case LL_ERR: return "internal";
    case LL_NOTFOUND: return "not_found";
    case LL_INVALID: return "invalid";
    case LL_CONFLICT: return "conflict";
    case LL_DENIED: return "denied";
    case LL_LIMIT: return "limited";
    case LL_EXPIRED: return "expired";
    }
    return "unknown";
}
