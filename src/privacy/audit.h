/*
 * audit.h — the security audit log (DESIGN.md "two kinds of logs").
 *
 * Append-only (triggers refuse UPDATE and early DELETE), hash-chained with a
 * key from the key file: each entry's hash covers the previous hash and the
 * entry, so removing, editing or reordering entries breaks the chain, and
 * without the key nobody can forge a consistent replacement. Entries name
 * accounts by number and clients by keyed hash; `detail` is JSON that never
 * holds personal data.
 */
#ifndef LL_AUDIT_H
#define LL_AUDIT_H
#include "base/ctx.h"
#include "store/db.h"
#include "store/vault.h"
#include <stdint.h>

/*
 * Appends one entry. Joins the caller's transaction if one is open (so the
 * event commits or rolls back with the change it records), else runs its own.
 * actor/subject 0 = none; detail NULL = "{}".
 */
int audit_append(ctx_t *c, const char *event, int64_t actor, int64_t subject, const char *detail);

typedef struct {
    int64_t entries;  /* entries checked */
    int64_t first_bad; /* id of the first entry whose hash does not verify, 0 if none */
} audit_report_t;

/* One read of a person's data by someone else, as shown to that person (F5). */
typedef struct {
    int64_t at;
    const char *event;  /* pi.staff_read, listing.contact_revealed, listing.moderated */
    const char *who;    /* the reader's staff roles, or 登录用户 */
    const char *detail; /* the entry's JSON detail (never personal data) */
} audit_read_t;

/* The reads of uid's data by others, newest first, at most 200. */
int audit_reads_of(ctx_t *c, int64_t uid, audit_read_t **items, size_t *n);
/* What a read's event means, in the person's words (Chinese; one wording for GET /api/v1/me/reads and /me). */
const char *audit_read_why(const char *event);

/* Walks the chain from its oldest surviving entry; 0 if intact, 1 if broken, -1 on error. */
int audit_verify(db_t *db, vault_t *v, audit_report_t *r);

#endif
