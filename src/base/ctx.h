/*
 * ctx.h — the per-request context handed down the layers.
 *
 * Built by the HTTP layer (or a command) for one unit of work; everything it
 * points to outlives it. `now` is the one clock the lower layers read, so
 * tests can move time without sleeping.
 */
#ifndef LL_CTX_H
#define LL_CTX_H
#include <stdint.h>

struct db;
struct vault;
struct arena;
struct log;
struct conf;
struct sms_gw;
struct region_db;
struct verifier;

typedef struct ctx {
    struct db *db;
    struct vault *vault;
    struct arena *arena;
    struct log *log;
    const struct conf *conf;
    struct sms_gw *sms;
    struct verifier *verifier; /* identity verification (C1); NULL in commands that need none */
    const struct region_db *regions; /* immutable, shared by all threads */
    void *hash_gate;      /* gate_t * bounding concurrent Argon2id hashes; NULL: none */
    int64_t now;          /* unix seconds */
    const char *client;   /* the client's address: personal data, never logged */
    const char *agent;    /* User-Agent, for the session list */
    int64_t user_id;      /* signed-in user, 0 if none */
    int64_t session_id;
    int policy_version;   /* the policy version the signed-in person last accepted */
    int held;             /* H1: the signed-in child's account awaits a guardian's consent */
    /* Set by a lower layer next to a negative result, for the API's message. */
    const char *err_code;  /* stable code, e.g. "code_invalid" */
    const char *err_field; /* the input field at fault, if any */
    int retry_after;       /* seconds, with LL_LIMIT */
} ctx_t;

/* Records why the call fails and returns res, so callers write `return ctx_fail(...)`. */
static inline int ctx_fail(ctx_t *c, int res, const char *code, const char *field)
{
    c->err_code = code;
    c->err_field = field;
    return res;
}

#endif
