/*
 * session.h — sign-in sessions (F4).
 *
 * A token is 32 random bytes, base64url; only its hash is stored, so a copy
 * of the database signs nobody in. Sessions end after an idle period and an
 * absolute lifetime, and the user can end any of them.
 */
#ifndef LL_SESSION_H
#define LL_SESSION_H
#include "base/ctx.h"
#include "store/vault.h"
#include <stddef.h>
#include <stdint.h>

typedef struct {
    int64_t id;
    int64_t created_at, last_seen, expires_at;
    char *ip;    /* masked */
    char *agent;
    int current; /* the session making the request */
} sess_info_t;

/* Creates a session for uid inside the caller's transaction; *token in the arena. */
int sess_create(ctx_t *c, int64_t uid, const uint8_t dek[VAULT_KEY_LEN], char **token, int64_t *sid);
/* Resolves a token; LL_DENIED when unknown, idle too long or past its lifetime. */
int sess_authenticate(ctx_t *c, const char *token, int64_t *uid, int64_t *sid);
int sess_list(ctx_t *c, int64_t uid, sess_info_t **items, size_t *n);
/* Ends one of uid's sessions; LL_NOTFOUND if it is not one of theirs. */
int sess_revoke(ctx_t *c, int64_t uid, int64_t sid);

#endif
