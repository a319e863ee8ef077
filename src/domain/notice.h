/*
 * notice.h — the message centre and breach notices (F8).
 *
 * An incident names what happened, when, which declared fields it touched,
 * what was done and what people can do. Recording it puts a message in the
 * centre of every affected account and sends each an SMS that says only that
 * a notice is waiting (no personal data, no details). The incident, its
 * messages and its recipients are written in one transaction, and that is
 * all the request does; the SMS go out from the background sweep
 * (notice_sms_sweep), which sends every incident_users row whose notified_at
 * and failed_at are NULL and retries a refused one on each later sweep, at
 * most NOTICE_SMS_MAX_TRIES times: then (or at once for a phone that cannot
 * be opened any more, e.g. a destroyed key) it records failed_at, the reason
 * and an audit entry, and stops trying; the message centre still holds the
 * notice. Each accepted SMS is recorded as a share with the SMS provider (E1)
 * when it leaves the platform.
 */
#ifndef LL_NOTICE_H
#define LL_NOTICE_H
#include "base/ctx.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NOTICE_MAX_FIELDS 64
#define NOTICE_MAX_USERS 10000

typedef struct {
    const char *title, *what, *remedies, *advice;
    int64_t occurred_at;
    const char *const *fields; /* declared "table.column" ids */
    size_t nfields;
    bool all;                  /* every active account, else users[] */
    const int64_t *users;
    size_t nusers;
} notice_incident_t;

/* Stops a sweep after this many refusals in a row: the gateway is down, the next sweep tries again. */
#define NOTICE_SMS_GIVE_UP 10
/* Sweeps that try one notice SMS before it is recorded as failed. */
#define NOTICE_SMS_MAX_TRIES 5

/*
 * Records an incident, its recipients and their messages in one transaction
 * (admin only, audited incident.recorded); the SMS are left to the sweep.
 * LL_INVALID names the field.
 */
int notice_incident_record(ctx_t *c, const notice_incident_t *in, int64_t *id, int64_t *recipients);
/* Sends the pending notice SMS (each tried once per sweep); counts accepted and refused (or given up) ones. */
int notice_sms_sweep(ctx_t *c, int64_t *sent, int64_t *failed);

typedef struct {
    int64_t id, created_at, read_at;
    const char *kind, *title, *body;
} notice_msg_t;

/* Puts a message in uid's message centre (inside the caller's transaction); kind: "order", "review", ... */
int notice_message(ctx_t *c, int64_t uid, const char *kind, const char *title, const char *body);

/* The newest 100 messages of uid, newest first. */
int notice_list(ctx_t *c, int64_t uid, notice_msg_t **items, size_t *n);
/* Marks message id of uid read; LL_NOTFOUND if it is not theirs. */
int notice_read(ctx_t *c, int64_t uid, int64_t id);

#endif
