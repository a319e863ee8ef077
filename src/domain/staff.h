/*
 * staff.h — staff roles of the operator (F5): admin, moderator, support,
 * auditor. Least privilege: each capability names the one role it needs;
 * admin does not imply the others.
 */
#ifndef LL_STAFF_H
#define LL_STAFF_H
#include "base/ctx.h"
#include <stdbool.h>
#include <stdint.h>

bool staff_role_valid(const char *role);
int staff_grant(ctx_t *c, const char *phone, const char *role);
int staff_revoke(ctx_t *c, const char *phone, const char *role);
/* True if uid holds role. */
bool staff_has(ctx_t *c, int64_t uid, const char *role);

#endif
