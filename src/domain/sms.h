/*
 * sms.h — the SMS gateway interface (A1).
 *
 * Two implementations behave alike for the caller: the local outbox appends
 * one JSON line per message to data/sms-outbox.jsonl (the embedded default,
 * read by people and tests), and the HTTP gateway POSTs the message to a
 * provider's endpoint for production. Both are synchronous and thread-safe.
 */
#ifndef LL_SMS_H
#define LL_SMS_H
#include <stdint.h>

typedef struct sms_gw sms_gw_t;
struct sms_gw {
    /* 0 when the gateway accepted the message; code is NULL for a notice that carries none. */
    int (*send)(sms_gw_t *gw, const char *phone, const char *text, const char *code, const char *purpose,
                int64_t now);
    void (*free)(sms_gw_t *gw);
};

sms_gw_t *sms_outbox_new(const char *path);
/* POST {"phone","text","purpose"} as JSON to url with "Authorization: Bearer token". */
sms_gw_t *sms_http_new(const char *url, const char *token);

#endif
