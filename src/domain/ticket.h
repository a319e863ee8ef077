/*
 * ticket.h — customer service tickets and complaints (C2, H5).
 *
 * Anyone signed in opens a ticket (咨询 question, 投诉 complaint, 申诉 appeal,
 * 个人信息 privacy) with a subject, a text, optionally a related listing and
 * photos (sanitised as listing photos are, B11). Staff with the `support` role
 * answer. States: open (waiting for support) → answered (waiting for the
 * person) → closed; a follow-up from the person on an answered ticket opens it
 * again. Every open ticket carries its deadline: TICKET_ANSWER_DAYS after the
 * question that is waiting (H5: 十五天内回复); past it the ticket is overdue and
 * the support queue, sorted by deadline, says so.
 *
 * Invariants: everything the person or support wrote is sealed with the
 * person's data key, so it is theirs to export (G5) and goes with their
 * account (G4); a ticket is visible to its author and to support staff only,
 * anyone else gets LL_NOTFOUND; every staff opening of a ticket is audited
 * (`ticket.staff_read`, shown to the person in /me/reads, F5). Retention
 * (pi_decl.h): TICKET_KEEP_DAYS after closing; a ticket answered and then left
 * alone TICKET_IDLE_DAYS is closed by ticket_sweep, so none is kept forever.
 */
#ifndef LL_TICKET_H
#define LL_TICKET_H
#include "base/ctx.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TICKET_ANSWER_DAYS 15
#define TICKET_IDLE_DAYS   30
#define TICKET_TEXT_MAX    2000
#define TICKET_SUBJECT_MAX 60
#define TICKET_PHOTOS_MAX  9
#define TICKET_OPEN_PER_DAY 10

typedef struct {
    int64_t id, user_id, listing_id, created_at, deadline_at, answered_at, closed_at;
    const char *category, *status, *subject;
    bool overdue;
} ticket_t;

typedef struct {
    int64_t id, created_at;
    bool from_staff, has_photo;
    const char *text;
} ticket_msg_t;

typedef struct {
    const char *category, *subject, *text;
    int64_t listing_id; /* 0: none */
} ticket_in_t;

int ticket_open(ctx_t *c, const ticket_in_t *in, int64_t *id);
/* The caller's tickets, newest first (at most 100); subjects opened. */
int ticket_mine(ctx_t *c, ticket_t **items, size_t *n);
/*
 * One ticket and its conversation, oldest first. staff false: only the
 * caller's own (else LL_NOTFOUND); staff true: any ticket, audited.
 */
int ticket_get(ctx_t *c, int64_t id, bool staff, ticket_t *t, ticket_msg_t **msgs, size_t *n);
/* Adds a message from the person (staff false) or from support (staff true). */
int ticket_reply(ctx_t *c, int64_t id, bool staff, const char *text, int64_t *msg_id);
/* Adds a photo from the person, sanitised (photo_err_info codes, field "photo"). */
int ticket_add_photo(ctx_t *c, int64_t id, const void *data, size_t len, int64_t *msg_id);
/* The JPEG of a message's photo (malloc'd); staff reads are audited. */
int ticket_photo(ctx_t *c, int64_t id, int64_t msg_id, bool staff, void **data, size_t *len);
int ticket_close(ctx_t *c, int64_t id, bool staff);
/* Support's queue: open tickets by deadline (status "open"), or every unclosed one ("all"); no personal data. */
int ticket_queue(ctx_t *c, const char *status, ticket_t **items, size_t *n);
/* Closes tickets answered and idle TICKET_IDLE_DAYS; *n counts them. */
int ticket_sweep(ctx_t *c, int64_t *n);

#endif
