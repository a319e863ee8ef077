/* dispute_page.h — the support staff's page for open order disputes (E6; see dispute_page.c). */
#ifndef LL_DISPUTE_PAGE_H
#define LL_DISPUTE_PAGE_H
#include "http/http.h"

/* GET /staff/disputes: the open disputes, oldest first, each with its settlement form. */
int web_staff_disputes(req_t *r);
/* POST /staff/disputes/{id}/resolve: settles one (outcome, amount in yuan for a partial refund). */
int web_staff_dispute_resolve(req_t *r);

#endif
