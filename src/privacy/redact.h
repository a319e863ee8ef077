/*
 * redact.h — contact details inside free text, masked (C10, B12).
 *
 * People paste phone numbers, e-mail addresses, WeChat and QQ ids into chat
 * messages; the recipient sees them masked unless the sender chose to share
 * them (recorded as a share). Recognised:
 *   - runs of 7 or more digits, ASCII or full-width, with spaces, dashes or dots
 *     between groups (138 0013 8000, +86-138-0013-8000, 010-12345678, an ID
 *     number ending in X) — phone numbers keep their first 3 and last 4
 *     digits (138****8000), other runs their first 2 and last 2; dates written
 *     as 2024-05-01 or 2024.5.1 are left alone;
 *   - e-mail addresses: the first character and the domain stay (t***@qq.com);
 *   - an id after a WeChat or QQ keyword (微信, 威信, vx, wx, weixin, wechat,
 *     V信, QQ, 扣扣, with an optional ：: 号 是 or space): the first two
 *     characters stay (ab****).
 * Invariants: the output is valid UTF-8 when the input is; text that holds
 * none of these comes back byte for byte; never reads past the NUL.
 */
#ifndef LL_REDACT_H
#define LL_REDACT_H
#include "base/arena.h"

/* The masked copy of text in the arena; *found (may be NULL) counts what was masked. */
char *redact_contacts(arena_t *a, const char *text, int *found);

#endif
