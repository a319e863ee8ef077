/*
 * server.h — the server context: the one piece of process-wide state.
 *
 * Owned by main; built before the listener starts and torn down after it
 * stops, so every request sees it complete and unchanging.
 */
#ifndef LL_SERVER_H
#define LL_SERVER_H
#include <pthread.h>
#include <stdbool.h>
#include "base/conf.h"
#include "base/gate.h"
#include "base/log.h"
#include "http/http.h"
#include "store/db.h"
#include "store/vault.h"
#include "domain/sms.h"
#include "domain/region.h"

typedef struct server {
    conf_t conf;
    log_t log;
    vault_t *vault;
    dbpool_t *pool;
    viewcache_t *views; /* rendered listing views shared by the pool (store/viewcache.h), or NULL */
    sms_gw_t *sms;
    struct verifier *verifier;
    region_db_t *regions;
    gate_t hash_gate;
    const route_t *routes;
    size_t nroutes;
    const struct web_site *site; /* templates and static files, loaded once (web/site.h) */
    /* Answers a refusal (an errors.c code) of an R_PAGE route as a page; 0 when sent, else JSON follows.
       Set by main to the web layer's, so this layer needs no knowledge of pages. */
    int (*page_refusal)(req_t *r, const char *code);
    struct MHD_Daemon *mhd;
    pthread_t sweeper;
    pthread_t notifier; /* delivers the sandbox payment provider's callbacks */
    pthread_t tidier;   /* keeps the full-text index in few segments (listing_tidy_step) */
    pthread_mutex_t stop_mu;
    pthread_cond_t stop_cv;
    bool stopping;
} server_t;

/* Starts listening on conf.listen with a thread pool; 0 or -1 (logged). */
int server_start(server_t *s);
void server_stop(server_t *s);

#endif
