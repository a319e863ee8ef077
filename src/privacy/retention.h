/*
 * retention.h — the retention sweep (F2): every period declared in
 * pi_decl.h is enforced here, and nothing else decides what is kept.
 *
 * For each field with a period (RET_DAYS, RET_LAW) older values are removed:
 * the whole row when the column is NOT NULL (the row exists for that value),
 * otherwise just the value. Periods kept by law count against the real clock
 * as well as the injected one, so a test clock can never shorten them.
 * It also ends expired sessions. (Listing expiry is the domain's, run beside it.)
 */
#ifndef LL_RETENTION_H
#define LL_RETENTION_H
#include "base/ctx.h"
#include <stdint.h>
#include <stdio.h>

typedef struct {
    int64_t rows_deleted, values_cleared, sessions_ended, listings_expired;
    int64_t children_erased; /* H2, by minor_sweep */
    int64_t keyless_erased, orphan_keys; /* G4 after a restore, by acct_sweep_keys */
    int64_t notices_sent, notices_failed; /* F8 breach SMS, by notice_sms_sweep */
} retention_report_t;

int retention_run(ctx_t *c, retention_report_t *r);
/* One line per field the sweep touched, for `linli retention run`. */
void retention_print(const retention_report_t *r, FILE *out);

#endif
