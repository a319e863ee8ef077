/*
 * minor.h — minors and their guardians (H1, H2).
 *
 * Age comes from the birth year a person declares. A year alone cannot
 * say whether this year's birthday has passed, so the younger of the two
 * possible ages counts: when in doubt the child is protected. No declared
 * year counts as an adult (H1: age is known from verification or declaration).
 *
 * Under 14 (a child) the account is held until a guardian confirms by SMS
 * code: only the guardian flow, the profile read, the birth year, sign-out,
 * the person's data and cancellation work (routes flagged R_HELD_OK). Under
 * 18 nothing in an adults_only category may be posted, changed or contacted.
 * A child's account held for MINOR_HOLD_DAYS without consent is erased by
 * the sweep exactly as a cancellation would (H2).
 */
#ifndef LL_MINOR_H
#define LL_MINOR_H
#include "base/ctx.h"
#include <stdbool.h>
#include <stdint.h>

#define MINOR_HOLD_DAYS 30
#define MINOR_FIRST_YEAR 1900

/* Ordered: a larger bracket has fewer restrictions. */
typedef enum { AGE_CHILD = 1, AGE_MINOR = 2, AGE_ADULT = 3 } minor_age_t;

/* The year of now in Beijing time. */
int minor_year(int64_t now);
/* The bracket of birth_year at now; 0 (undeclared) is AGE_ADULT. */
minor_age_t minor_bracket(int64_t now, int birth_year);
/*
 * The birth year to give the functions here: the declared one, or, with a
 * verified date of birth (YYYYMMDD, 0 if none), the year that makes the
 * younger-possible-age rule give the exact age on now's Beijing date.
 */
int minor_effective_year(int64_t now, int birth_year, int birth_date);
/* Whether an account with this birth year and consent time is held. */
bool minor_held(int64_t now, int birth_year, int64_t guardian_consent_at);
/* LL_DENIED (adults_only) when account uid is under 18. */
int minor_require_adult(ctx_t *c, int64_t uid);
/* Erases children's accounts held past MINOR_HOLD_DAYS without consent (H2); *erased counts them. */
int minor_sweep(ctx_t *c, int64_t *erased);

#endif
