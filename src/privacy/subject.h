/*
 * subject.h — everything held on one person, read out (G5) and erased (G4),
 * both generated from pi_decl.h: each declared field is looked up through
 * its table's OWNER condition, so a new declared field joins the export and
 * the erasure without code here changing.
 */
#ifndef LL_SUBJECT_H
#define LL_SUBJECT_H
#include "base/ctx.h"
#include <jansson.h>
#include <stdint.h>

/*
 * The person's data grouped by declared category:
 * {"categories":[{"category","fields":[{"field","label","purposes","basis","retention","linked","values"}]}]}
 * Sealed values are opened (purpose P_EXPORT); one-way hashes are named, not shown.
 */
int subject_export(ctx_t *c, int64_t uid, json_t **out);
/*
 * Deletes every row tied to uid, except in tables whose personal fields are
 * all kept by law; *receipt lists what was erased and what was kept, and why.
 * Runs inside the caller's transaction.
 */
int subject_erase(ctx_t *c, int64_t uid, json_t **receipt);

#endif
