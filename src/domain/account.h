/*
 * account.h — accounts: phone + SMS code sign-in, optional password, profile
 * (A1, A2, A4, F3, F4, H3).
 *
 * A phone number is only ever held sealed, and found by its blind index.
 * A code is 6 digits, single use, lives code_ttl_s, allows code_max_tries
 * wrong tries; sending is limited per number and per client address.
 */
#ifndef LL_ACCOUNT_H
#define LL_ACCOUNT_H
#include "base/ctx.h"
#include <stdbool.h>
#include <jansson.h>
#include <stdint.h>

#define ACCT_PHONE_LEN 11

/* Normalises a mainland mobile number (+86, 0086, spaces, dashes) into out; LL_INVALID if not one. */
int acct_phone_normalize(const char *in, char out[ACCT_PHONE_LEN + 1]);
/* purpose is "login", "password" or "cancel" ("guardian" codes go through acct_guardian_request). */
int acct_send_code(ctx_t *c, const char *phone, const char *purpose);

typedef struct {
    int64_t user_id;
    int64_t session_id;
    char *token;
    bool created; /* first sign-in made the account */
} acct_login_t;

/* accept_version: the policy id the person ticked, 0 if none (→ consent_required when needed). */
int acct_login_code(ctx_t *c, const char *phone, const char *code, int accept_version, acct_login_t *out);
int acct_login_password(ctx_t *c, const char *phone, const char *password, int accept_version,
                        acct_login_t *out);

/* Profile fields, in the order of pi_decl.h; NULL when unset. */
typedef struct {
    int64_t id;
    char *phone, *username, *nickname, *city, *hometown, *occupation, *position, *interests, *email, *qq;
    bool has_password;
    int policy_version;
    int birth_year;              /* 0 when not declared (H1) */
    char *guardian_phone;        /* NULL when none was given */
    int64_t guardian_consent_at; /* 0 until the guardian confirmed */
    bool held;                   /* a child's account awaiting that consent */
    int64_t created_at;
} acct_profile_t;

int acct_profile_get(ctx_t *c, int64_t uid, acct_profile_t *p);

/* A change to one optional profile field: set (value), or clear (value NULL). */
typedef struct {
    const char *name; /* "username", "nickname", ..., "birth_year" (decimal digits) */
    const char *value;
} acct_change_t;

/*
 * Applies the changes atomically; LL_INVALID / LL_CONFLICT with c->err_field.
 * A birth year may not be changed or cleared so as to lift an age rule
 * (birth_year_locked); while the account is held only the birth year may change.
 */
int acct_profile_update(ctx_t *c, int64_t uid, const acct_change_t *changes, int n);
/* Sets or replaces the password; needs a fresh "password" code (G6). */
int acct_password_set(ctx_t *c, int64_t uid, const char *code, const char *password);
/* The account of a phone number, for staff commands; LL_NOTFOUND if none. */
int acct_find_by_phone(ctx_t *c, const char *phone, int64_t *uid);
/*
 * Cancels the account (注销, G4) after a fresh "cancel" code (G6): listings
 * leave the indexes, every row tied to the account is erased per the
 * declarations, the data key is destroyed with the account row, photos are
 * removed. *receipt says what was erased and what the law keeps.
 */
int acct_cancel(ctx_t *c, int64_t uid, const char *code, json_t **receipt);
/* The erasure half of acct_cancel, without a code: for the H2 sweep; reason goes to the audit entry. */
int acct_erase(ctx_t *c, int64_t uid, const char *reason, json_t **receipt);
/*
 * Finishes the erasure of accounts whose data key is gone (a backup restored
 * after they cancelled: their sealed fields are already unreadable, the rest
 * goes now) and destroys keys that belong to no account. Does nothing while
 * the key store is empty: a missing key store is an operator's mistake, not
 * a cancellation (serve also refuses to start on one).
 */
int acct_sweep_keys(ctx_t *c, int64_t *erased, int64_t *orphans);
/*
 * H1: a minor names a guardian's mobile number; it is stored sealed and a
 * "guardian" code is sent to it (same limits as other codes).
 */
int acct_guardian_request(ctx_t *c, int64_t uid, const char *phone);
/* The code the guardian received: records guardian_consent_at (audited), lifting a hold. */
int acct_guardian_confirm(ctx_t *c, int64_t uid, const char *code);
/* A signed-in person accepts the current version; LL_CONFLICT (consent_required) for any other. */
int acct_accept_current_policy(ctx_t *c, int64_t uid, int version);
/* Records a (re-)acceptance of policy version `version` by uid. */
int acct_accept_policy(ctx_t *c, int64_t uid, int version);

#endif
