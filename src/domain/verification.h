/*
 * verification.h — real-name verification (C1) and the age it proves (H1).
 *
 * Order of a submission: the separate consent for sensitive personal
 * information ("sensitive_identity") first, then the formats (idcheck.h),
 * then the verifier (verifier.h); nothing is stored unless all pass. The
 * name, ID number and bank card are sealed with the person's key and only
 * ever shown again masked (F_MASKED_ONLY), to the person included; others
 * see a "verified" badge and nothing else.
 *
 * The date of birth in the ID number becomes users.birth_date and overrides
 * a declared birth year in every age rule (minor.h): under 14 the account is
 * held until a guardian consents — and then the ID itself is not kept, since
 * a child's sensitive data needs the guardian's consent first — under 18 the
 * adults-only categories are closed.
 */
#ifndef LL_VERIFICATION_H
#define LL_VERIFICATION_H
#include "base/ctx.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *name, *id_number, *bank_card; /* bank_card NULL when not given */
} verif_in_t;

typedef struct {
    bool verified;
    int64_t verified_at;
    const char *method;                         /* local_format, local_list, provider */
    const char *name, *id_number, *bank_card;   /* masked; bank_card NULL when none */
} verif_status_t;

/* Verifies and stores; LL_INVALID with the field at fault, LL_CONFLICT if consent is missing or done already. */
int verif_submit(ctx_t *c, const verif_in_t *in, verif_status_t *out);
/* The caller's verification, masked; verified false when none. */
int verif_status(ctx_t *c, int64_t uid, verif_status_t *out);
/* Whether uid is verified (the public badge). */
bool verif_badge(ctx_t *c, int64_t uid);
/* Deletes uid's verification (consent withdrawn); the verified birth date goes with it. */
int verif_erase(ctx_t *c, int64_t uid);
/*
 * consent_set for any purpose; withdrawing "sensitive_identity" also erases the
 * verification it allowed, in the same transaction (C1). Every caller that
 * changes consents goes through here (API and pages).
 */
int verif_consent_set(ctx_t *c, int64_t uid, const char *slug, bool granted);
/* A face check through the verifier; LL_ERR with err_code face_check_unavailable when there is none. */
int verif_face(ctx_t *c, const void *image, size_t len);

#endif
