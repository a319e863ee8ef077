/*
 * result.h — the one result enum of the project.
 *
 * Every fallible function returns an ll_res_t: LL_OK (0) or a negative error.
 * The API layer maps each to an HTTP status; nothing else interprets them.
 */
#ifndef LL_RESULT_H
#define LL_RESULT_H

typedef enum {
    LL_OK = 0,
    LL_ERR = -1,       /* internal failure (I/O, SQLite, crypto): a 500 */
    LL_NOTFOUND = -2,  /* no such object, or not one the caller may know of: a 404 */
    LL_INVALID = -3,   /* the input is wrong: a 400 / 422 */
    LL_CONFLICT = -4,  /* the state forbids it: a 409 */
    LL_DENIED = -5,    /* not allowed: a 401 / 403 */
    LL_LIMIT = -6,     /* rate or quota exceeded: a 429 */
    LL_EXPIRED = -7,   /* was valid once, is not any more */
} ll_res_t;

const char *ll_res_name(ll_res_t r);

#endif
