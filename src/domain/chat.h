/*
 * chat.h — 微聊 (C10): conversations between two people about a subject.
 *
 * A conversation is about one subject, named by a kind and an id: "listing"
 * (a signed-in person writes to the poster of a published listing) or
 * "order" (a service order's customer and merchant); a new kind is one more
 * row in chat.c's subject table — see chat_subject_t and docs/api.md "Chat".
 * The person who opens it is the starter, the other side the owner; a person
 * has at most one conversation per subject (for an order, the second party's
 * start finds the first's).
 *
 * Invariants:
 *   - only the two members can see a conversation or anything in it; for
 *     anyone else every call answers LL_NOTFOUND (404), and writes nothing;
 *   - a message is sealed with its sender's data key: cancelling an account
 *     erases that person's messages, membership and voice notes, and leaves
 *     the other member's own messages readable by them (chat_members holds one
 *     row per member, the conversation row holds no account at all);
 *   - the recipient sees phone numbers, e-mail, WeChat and QQ ids in a
 *     message masked, unless the sender shared them on that message, which is
 *     recorded in `shares` and the audit log (E1, E5);
 *   - voice notes are AMR, MP3, Ogg Opus or AAC/M4A by content (media/audio.h),
 *     at most CHAT_VOICE_MAX_BYTES and CHAT_VOICE_MAX_MS, stored sealed in the
 *     database and served only to the members;
 *   - retention (pi_decl.h): messages and voice 180 days from sending, a
 *     membership 180 days from the last message; chat_sweep then removes
 *     conversation rows that have no member left.
 */
#ifndef LL_CHAT_H
#define LL_CHAT_H
#include "base/ctx.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CHAT_TEXT_MAX        1000 /* characters of one text message */
#define CHAT_VOICE_MAX_BYTES (1024u * 1024u)
#define CHAT_VOICE_MAX_MS    60000
#define CHAT_PAGE_MAX        50
#define CHAT_SEND_PER_MIN    30 /* messages per person per minute */
#define CHAT_OPEN_PER_HOUR   30 /* new conversations per person per hour */

/*
 * One kind of subject. counterpart: whether the signed-in caller (c->user_id)
 * may talk about subject id, and with whom: *other = the other party's account.
 * LL_NOTFOUND when the subject does not exist or is not open to the caller;
 * LL_INVALID (field subject_id) when the caller would talk to themselves.
 * title: a short text for conversation lists, or NULL when none can be shown.
 */
typedef struct chat_subject {
    const char *kind;
    int (*counterpart)(ctx_t *c, int64_t id, int64_t *other);
    const char *(*title)(ctx_t *c, int64_t id);
} chat_subject_t;

typedef struct {
    int64_t id, subject_id, last_at, read_upto, unread, peer_read_upto;
    const char *subject_kind, *title, *role;
    bool blocked_by_me, blocked_by_peer, peer_gone;
} chat_conv_t;

typedef struct {
    int64_t id, created_at;
    const char *kind, *text, *audio_type;
    int64_t duration_ms;
    bool mine, masked, shared, read_by_peer;
} chat_msg_t;

/* Opens (or finds the caller's existing) conversation about a subject; *created tells which. */
int chat_open(ctx_t *c, const char *kind, int64_t subject_id, int64_t *id, bool *created);
/* One conversation of the caller's. */
int chat_get(ctx_t *c, int64_t id, chat_conv_t *out);
/*
 * The caller's conversations, most recent first, after the keyset cursor
 * (before_at, before_id) — (INT64_MAX, INT64_MAX) for the first page; *more
 * says whether another page follows.
 */
int chat_list(ctx_t *c, int64_t before_at, int64_t before_id, int limit, chat_conv_t **items, size_t *n,
              bool *more);
/*
 * Messages of a conversation: with after > 0, the oldest ones after it
 * (oldest first, for polling); otherwise the newest ones before `before`
 * (newest first; before 0 = from the latest).
 */
int chat_messages(ctx_t *c, int64_t id, int64_t before, int64_t after, int limit, chat_msg_t **items, size_t *n,
                  bool *more);
/* Sends a text message; share: show the contact details in it to the recipient (recorded). */
int chat_send_text(ctx_t *c, int64_t id, const char *text, bool share, int64_t *msg_id, bool *shared);
/* Sends a voice note after checking its type, size and length; LL_INVALID with a code. */
int chat_send_voice(ctx_t *c, int64_t id, const void *data, size_t len, int64_t *msg_id, chat_msg_t *out);
/* The audio of a voice note for a member: malloc'd bytes (caller frees) and the type to serve. */
int chat_voice(ctx_t *c, int64_t id, int64_t msg_id, void **data, size_t *len, const char **mime);
/* Read receipt: the caller has read up to message upto (0 = everything so far). */
int chat_mark_read(ctx_t *c, int64_t id, int64_t upto, int64_t *read_upto);
/* Refuses (on) or accepts again (off) messages from the other member. */
int chat_block(ctx_t *c, int64_t id, bool on);
/* Reports the conversation for review (fraud, spam, harassment, illegal, other); also blocks. */
int chat_report(ctx_t *c, int64_t id, const char *reason);

/* Staff (moderator): reported conversations, oldest report first. */
typedef struct {
    int64_t id, conversation_id, at;
    const char *reason;
} chat_report_t;
int chat_reports(ctx_t *c, chat_report_t **items, size_t *n);
/* Staff: the newest messages of a reported conversation, unmasked; each member's read is audited (F5). */
int chat_report_messages(ctx_t *c, int64_t report_id, chat_msg_t **items, size_t *n);

/* Removes conversations that have no member left (after erasure or retention); *n counts them. */
int chat_sweep(ctx_t *c, int64_t *n);

#endif
