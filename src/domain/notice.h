/*
 * notice.h — the message centre and breach notices (F8).
 *
 * An incident names what happened, when, which declared fields it touched,
 * what was done and what people can do. Recording it puts a message in the
 * centre of every affected account and sends each an SMS that says only that
 * a notice is waiting (no personal data, no details). The incident, its
 * messages and its recipients are written in one transaction; the SMS go out
 * after the commit and incident_users.notified_at records each accepted one
 * (NULL: the gateway refused, the message centre still holds the notice).
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

/* Records an incident and notifies (admin only, audited incident.recorded); LL_INVALID names the field. */
int notice_incident_record(ctx_t *c, const notice_incident_t *in, int64_t *id, int64_t *recipients,
                           int64_t *sms_sent);

typedef struct {
    int64_t id, created_at, read_at;
    const char *kind, *title, *body;
} notice_msg_t;

/* The newest 100 messages of uid, newest first. */
int notice_list(ctx_t *c, int64_t uid, notice_msg_t **items, size_t *n);
/* Marks message id of uid read; LL_NOTFOUND if it is not theirs. */
int notice_read(ctx_t *c, int64_t uid, int64_t id);

#endif
