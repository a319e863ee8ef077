/*
 * webchat.h — the pages of 消息 (chat, C10), 客服 (tickets, C2, H5), 邀请有礼
 * (invitations and gifts, C4), the guardian's consent (H1) and the login
 * password (A4, G6): chat_page.c, ticket_page.c, account_page.c.
 *
 * Like every page they call the domain directly, work with JavaScript off
 * (forms, 303 back to a page with ?done=CODE) and carry the CSRF token in
 * every form; someone else's conversation or ticket is the site's 404 page.
 */
#ifndef LL_WEB_WEBCHAT_H
#define LL_WEB_WEBCHAT_H
#include "http/http.h"

/* "5月3日 14:05" in Beijing time; with the year when it is not this year's. */
const char *web_time_cn(req_t *r, int64_t t);
/* The signed-in person's unread chat messages over their latest conversations (for 我的). */
int64_t web_chat_unread(req_t *r);

/* chat (chat_page.c) */
int web_chats(req_t *r);
int web_chat(req_t *r);
int web_chat_send(req_t *r);
int web_chat_voice(req_t *r);
int web_chat_voice_file(req_t *r);
int web_chat_block(req_t *r);
int web_chat_start(req_t *r);

/* customer service (ticket_page.c) */
int web_tickets(req_t *r);
int web_ticket_open(req_t *r);
int web_ticket(req_t *r);
int web_ticket_reply(req_t *r);
int web_ticket_close(req_t *r);
int web_staff_tickets(req_t *r);
int web_staff_ticket(req_t *r);
int web_staff_ticket_reply(req_t *r);
int web_staff_ticket_close(req_t *r);

/* invitations, guardian, password (account_page.c) */
int web_invite(req_t *r);
int web_invite_accept(req_t *r);
int web_gift_claim(req_t *r);
int web_gift_claim_submit(req_t *r);
int web_guardian(req_t *r);
int web_guardian_code(req_t *r);
int web_guardian_confirm(req_t *r);
int web_password(req_t *r);
int web_password_code(req_t *r);
int web_password_submit(req_t *r);
int web_login_password(req_t *r);
int web_login_password_submit(req_t *r);

#endif
