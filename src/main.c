/*
 * main.c — the `linli` command: parse the command line, build the server
 * context, run one command. Every command takes --data DIR and --config FILE.
 *
 *   linli serve [--listen HOST:PORT]   run the platform
 *   linli migrate                      bring the schema up to date
 *   linli keys rotate                  new master key; data keys re-wrapped
 *   linli keys backup DEST             the key store (keys.db) and key file, apart from data backups
 *   linli staff grant|revoke PHONE ROLE
 *   linli audit                        verify the audit chain and the declarations
 *   linli retention run [--now T]      the retention sweep, at time T for tests
 *   linli backup DEST | restore SRC    consistent online backup (F7) and its restore
 *   linli share export PARTNER         the partner's de-identified JSONL export on stdout (E4, F1)
 */
#include "base/clock.h"
#include "api/api.h"
#include "web/web.h"
#include "web/site.h"
#include "web/policy_page.h"
#include "domain/policy.h"
#include "base/arena.h"
#include "base/mem.h"
#include "base/result.h"
#include "domain/staff.h"
#include "http/server.h"
#include "privacy/audit.h"
#include "privacy/check.h"
#include "store/backup.h"
#include "privacy/retention.h"
#include "domain/membership.h"
#include "privacy/share.h"
#include "domain/listing.h"
#include "domain/minor.h"
#include "domain/account.h"
#include "domain/notice.h"
#include "domain/payment.h"
#include "domain/paysandbox.h"
#include <sodium.h>
#include "domain/chat.h"
#include "domain/ticket.h"
#include "domain/verifier.h"
#include "media/photo.h"
#include "privacy/pi.h"
#include <curl/curl.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    const char *cmd;
    const char *args[4];
    int nargs;
    const char *config;
    int64_t now; /* --now: the clock for retention, 0 = the real one */
} cli_t;

static int usage(void)
{
    fprintf(stderr, "usage: linli [--data DIR] [--config FILE] COMMAND\n"
                    "  serve [--listen HOST:PORT]    run the platform\n"
                    "  migrate                       bring the database schema up to date\n"
                    "  keys rotate                   new master key; data keys re-wrapped\n"
                    "  keys backup DEST              the key store and key file into folder DEST (keep apart, briefly)\n"
                    "  staff grant PHONE ROLE        roles: admin, moderator, support, auditor\n"
                    "  staff revoke PHONE ROLE\n"
                    "  audit                         check the database against the promises\n"
                    "  retention run [--now UNIX]    run the retention sweep (serve runs it on a schedule)\n"
                    "  backup DEST                   consistent online backup into folder DEST (no keys)\n"
                    "  restore SRC                   restore a backup folder into an empty data folder\n"
                    "  share export PARTNER          de-identified JSONL export for a registered partner, on stdout\n");
    return 2;
}

static int set_opt(server_t *s, const char *name, const char *value)
{
    char err[256];
    if (conf_set(&s->conf, name, value, err, sizeof err)) {
        fprintf(stderr, "linli: %s\n", err);
        return -1;
    }
    return 0;
}

/* Reads flags and the command; flags may stand before or after it. */
static int parse_cli(server_t *s, int argc, char **argv, cli_t *cli)
{
    const char *data = NULL, *listen = NULL;
    memset(cli, 0, sizeof(*cli));
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--now") && i + 1 < argc) {
            char *end;
            cli->now = strtoll(argv[++i], &end, 10);
            if (*end || cli->now <= 0) return -1;
        } else if ((!strcmp(a, "--data") || !strcmp(a, "--listen") || !strcmp(a, "--config")) && i + 1 < argc) {
            const char *v = argv[++i];
            if (!strcmp(a, "--data")) data = v;
            else if (!strcmp(a, "--listen")) listen = v;
            else cli->config = v;
        } else if (a[0] == '-') {
            return -1;
        } else if (!cli->cmd) {
            cli->cmd = a;
        } else if (cli->nargs < 4) {
            cli->args[cli->nargs++] = a;
        } else {
            return -1;
        }
    }
    if (!cli->cmd) return -1;
    if (cli->config) {
        char err[512];
        if (conf_load_file(&s->conf, cli->config, err, sizeof err)) {
            fprintf(stderr, "linli: %s\n", err);
            return -1;
        }
    }
    if (data && set_opt(s, "data_dir", data)) return -1;
    if (listen && set_opt(s, "listen", listen)) return -1;
    return 0;
}

static void key_file(const server_t *s, char *out, size_t n)
{
    if (*s->conf.key_file) snprintf(out, n, "%s", s->conf.key_file);
    else conf_data_path(&s->conf, "keys.json", out, n);
}

static const char SQL_KEYLESS_ALL[] =
    "SELECT (SELECT count(*) FROM users) > 0 AND NOT EXISTS (SELECT 1 FROM keys.deks)";

/* True if the database has accounts and the key store has no key at all. */
static bool key_store_empty(db_t *db)
{
    sqlite3_stmt *st = db_stmt(db, SQL_KEYLESS_ALL);
    bool empty = st && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
    if (st) sqlite3_reset(st);
    return empty;
}

/*
 * A key store created just now beside accounts means keys.db was lost or not
 * put back after a restore: serving would treat every account as cancelled,
 * so refuse, and remove the empty store so the next start refuses too.
 */
static int refuse_without_keys(server_t *s)
{
    char path[1024];
    static const char *const files[] = {"keys.db", "keys.db-wal", "keys.db-shm"};
    fprintf(stderr, "linli: the key store keys.db is missing from %s while the database has accounts: put back "
                    "keys.db and keys.json from the newest key backup (linli keys backup), then start again\n",
            s->conf.data_dir);
    log_error(&s->log, "the key store keys.db is missing; refusing to start");
    dbpool_free(s->pool);
    s->pool = NULL;
    for (size_t i = 0; i < ARRAY_LEN(files); i++) {
        conf_data_path(&s->conf, files[i], path, sizeof path);
        unlink(path);
    }
    return -1;
}

/* The derived listing indexes, rebuilt once after a migration asked for it (listing_index.h). */
static int reindex(server_t *s, db_t *db)
{
    arena_t *a = arena_new(4096);
    ctx_t c = {.db = db, .vault = s->vault, .arena = a, .log = &s->log, .conf = &s->conf, .regions = s->regions,
               .now = (int64_t)time(NULL)};
    int64_t n = 0;
    int rc = listing_reindex(&c, &n) || db_task_done(db, "reindex_listings") ? -1 : 0;
    if (rc) log_error(&s->log, "rebuilding the listing indexes failed");
    else log_info(&s->log, "listing indexes rebuilt: %lld published listings", (long long)n);
    arena_free(a);
    return rc;
}

/* Data folder, logs, keys and schema: what every command needs. */
static int open_store(server_t *s, bool access_log)
{
    /* workers: two per core, so half stay free while the other half hash passwords (see hash_gate) */
    if (!s->conf.threads) s->conf.threads = 2 * (int)sysconf(_SC_NPROCESSORS_ONLN);
    char path[1024], err[512];
    if (mkdir(s->conf.data_dir, 0700) && errno != EEXIST) {
        fprintf(stderr, "linli: cannot create %s: %s\n", s->conf.data_dir, strerror(errno));
        return -1;
    }
    if (log_open(&s->log, access_log ? s->conf.data_dir : NULL)) {
        fprintf(stderr, "linli: cannot open logs in %s/logs\n", s->conf.data_dir);
        return -1;
    }
    if (!access_log) s->conf.access_log = false;
    s->regions = region_load(s->conf.regions_file, err, sizeof err);
    if (!s->regions) {
        log_error(&s->log, "regions: %s (set regions_file)", err);
        return -1;
    }
    key_file(s, path, sizeof path);
    if (vault_open(&s->vault, path, true, err, sizeof err)) {
        log_error(&s->log, "%s", err);
        return -1;
    }
    conf_data_path(&s->conf, "keys.db", path, sizeof path);
    bool fresh_keys = access(path, F_OK) != 0;
    conf_data_path(&s->conf, "linli.db", path, sizeof path);
    /* a connection for each worker, and for the sweeper, the notifier and the tidier */
    s->pool = dbpool_new(path, s->conf.threads + 3, s->conf.db_sync_full, &s->log);
    if (!s->pool) return -1;
    db_t *db = dbpool_acquire(s->pool);
    int rc = db_migrate(db);
    bool keys_lost = rc == 0 && fresh_keys && key_store_empty(db);
    if (rc) log_error(&s->log, "database migration failed");
    if (!rc && !keys_lost && db_task_pending(db, "reindex_listings")) rc = reindex(s, db);
    dbpool_release(s->pool, db);
    return keys_lost ? refuse_without_keys(s) : rc;
}

static void close_store(server_t *s)
{
    web_site_free((web_site_t *)s->site); /* main owns it; requests only read it */
    dbpool_free(s->pool);
    vault_close(s->vault);
    if (s->sms) s->sms->free(s->sms);
    if (s->verifier) s->verifier->free(s->verifier);
    region_free(s->regions);
    log_close(&s->log);
}

/* A context for a command-line unit of work. */
static ctx_t command_ctx(server_t *s, db_t *db, arena_t *a)
{
    ctx_t c = {.db = db, .vault = s->vault, .arena = a, .log = &s->log, .conf = &s->conf, .sms = s->sms,
               .regions = s->regions};
    c.now = (int64_t)time(NULL);
    return c;
}

static int open_sms(server_t *s)
{
    char path[1024];
    if (!strcmp(s->conf.sms_gateway, "http")) {
        s->sms = sms_http_new(s->conf.sms_http_url, s->conf.sms_http_token);
    } else if (!strcmp(s->conf.sms_gateway, "outbox")) {
        conf_data_path(&s->conf, "sms-outbox.jsonl", path, sizeof path);
        s->sms = sms_outbox_new(path);
    }
    if (!s->sms) log_error(&s->log, "cannot open the SMS gateway '%s'", s->conf.sms_gateway);
    return s->sms ? 0 : -1;
}

static int open_verifier(server_t *s)
{
    char err[600] = "";
    if (!strcmp(s->conf.verifier, "http"))
        s->verifier = verifier_http_new(s->conf.verify_http_url, s->conf.verify_http_token, s->conf.verify_face_url);
    else if (!strcmp(s->conf.verifier, "local"))
        s->verifier = verifier_local_new(s->conf.verify_known_file, err, sizeof err);
    if (!s->verifier) log_error(&s->log, "cannot open the identity verifier '%s' %s", s->conf.verifier, err);
    return s->verifier ? 0 : -1;
}

/* The retention sweep and listing expiry, as one unit of work at time now. */
static int sweep(server_t *s, int64_t now, retention_report_t *rep)
{
    arena_t *a = arena_new(4096);
    db_t *db = dbpool_acquire(s->pool);
    ctx_t c = command_ctx(s, db, a);
    c.now = now;
    int rc = retention_run(&c, rep);
    if (rc == LL_OK) rc = listing_expire_due(&c, &rep->listings_expired);
    if (rc == LL_OK) rc = minor_sweep(&c, &rep->children_erased); /* H2 */
    if (rc == LL_OK) rc = acct_sweep_keys(&c, &rep->keyless_erased, &rep->orphan_keys); /* G4 after a restore */
    if (rc == LL_OK) rc = notice_sms_sweep(&c, &rep->notices_sent, &rep->notices_failed); /* F8 */
    int64_t emptied; /* conversations whose members were all erased or swept */
    if (rc == LL_OK) rc = chat_sweep(&c, &emptied);
    int64_t idle; /* tickets answered and left alone: closed, so their retention starts */
    if (rc == LL_OK) rc = ticket_sweep(&c, &idle);
    int64_t lapsed; /* A6: memberships past their end */
    if (rc == LL_OK) rc = vip_sweep(&c, &lapsed);
    int64_t sent; /* the payment outbox: refunds, renewal charges and revocations not yet accepted by the provider */
    if (rc == LL_OK) rc = pay_outbox_send(&c, &sent);
    dbpool_release(s->pool, db);
    arena_free(a);
    return rc;
}

/* For serve's background jobs: waits until the deadline or until serve stops; whether it stops. */
static bool rest_until(server_t *s, const struct timespec *until)
{
    pthread_mutex_lock(&s->stop_mu);
    while (!s->stopping && pthread_cond_timedwait(&s->stop_cv, &s->stop_mu, until) == 0) {
    }
    bool stop = s->stopping;
    pthread_mutex_unlock(&s->stop_mu);
    return stop;
}

/* serve's background job: the sweep every sweep_interval_s until shutdown. */
static void *sweeper_main(void *arg)
{
    server_t *s = arg;
    for (bool stop = false; !stop;) {
        struct timespec until = clock_after_ms((int64_t)s->conf.sweep_interval_s * 1000);
        retention_report_t rep;
        if (sweep(s, (int64_t)time(NULL), &rep)) log_error(&s->log, "retention sweep failed");
        else
            log_info(&s->log, "retention: %lld rows deleted, %lld values cleared, %lld sessions ended, %lld listings expired, "
                     "%lld children's accounts erased, %lld keyless accounts erased, %lld breach SMS sent, %lld refused",
                     (long long)rep.rows_deleted, (long long)rep.values_cleared, (long long)rep.sessions_ended,
                     (long long)rep.listings_expired, (long long)rep.children_erased, (long long)rep.keyless_erased,
                     (long long)rep.notices_sent, (long long)rep.notices_failed);
        stop = rest_until(s, &until);
    }
    return NULL;
}

/*
 * serve's upkeep of the full-text index (listing_tidy_step): steps while the
 * write path is idle, each followed by a rest as long as itself, so that the
 * upkeep never takes more than half a core from the requests; then a pause.
 * Merging the recent part is cheap (it is small) but not free: at most every
 * RECENT_MERGE_S.
 */
#define TIDY_PAUSE_MS  1000
#define TIDY_NOTE_MS   250 /* a step this long is logged: a fold holds the write turn that long */
#define RECENT_MERGE_S 5

static void *tidier_main(void *arg)
{
    server_t *s = arg;
    listing_tidy_t t = {.fold_rows = s->conf.search_fold_rows,
                        .main_every_s = s->conf.search_merge_every_s,
                        .recent_every_s = RECENT_MERGE_S};
    bool stop = false, did = false;
    while (!stop) {
        arena_t *a = arena_new(4096);
        db_t *db = dbpool_acquire(s->pool);
        ctx_t c = command_ctx(s, db, a);
        c.now = (int64_t)time(NULL);
        int64_t t0 = clock_mono_us();
        int rc = listing_tidy_step(&c, &t, &did);
        int64_t took_ms = (clock_mono_us() - t0) / 1000;
        dbpool_release(s->pool, db); /* not held while resting */
        arena_free(a);
        if (rc) log_error(&s->log, "search index upkeep failed");
        if (took_ms >= TIDY_NOTE_MS) log_msg(&s->log, "info", "search index upkeep: a step took %lld ms", (long long)took_ms);
        struct timespec until = clock_after_ms(rc == LL_OK && did ? took_ms + 1 : TIDY_PAUSE_MS);
        stop = rest_until(s, &until);
    }
    return NULL;
}

/* The sandbox provider's side: delivers its due callbacks over HTTP, as a provider's servers would. */
static void deliver_callbacks(server_t *s, const char *url)
{
    arena_t *a = arena_new(4096);
    db_t *db = dbpool_acquire(s->pool);
    ctx_t c = command_ctx(s, db, a);
    sandbox_notice_t *v;
    size_t n = 0;
    int rc = sandbox_due(&c, &v, &n);
    dbpool_release(s->pool, db); /* never hold a connection while our own server answers the callback */
    for (size_t i = 0; rc == LL_OK && i < n; i++) {
        bool ok = sandbox_post(url, v[i].body, v[i].signature);
        c.db = dbpool_acquire(s->pool);
        c.now = (int64_t)time(NULL);
        if (sandbox_delivered(&c, v[i].id, ok)) log_error(&s->log, "sandbox: cannot record a delivery");
        dbpool_release(s->pool, c.db);
    }
    arena_free(a);
}

static void *notifier_main(void *arg)
{
    server_t *s = arg;
    char url[700];
    if (*s->conf.pay_notify_url) snprintf(url, sizeof url, "%s", s->conf.pay_notify_url);
    else snprintf(url, sizeof url, "http://%s/api/v1/payments/sandbox/callback", s->conf.listen);
    for (bool stop = false; !stop;) {
        struct timespec until = clock_after_ms(300);
        deliver_callbacks(s, url);
        stop = rest_until(s, &until);
    }
    return NULL;
}

static int cmd_retention(server_t *s, cli_t *cli)
{
    retention_report_t rep;
    int64_t now = cli->now ? cli->now : (int64_t)time(NULL);
    if (cli->nargs != 1 || strcmp(cli->args[0], "run")) return usage();
    if (open_sms(s)) return 1; /* pending breach notices go out too */
    if (sweep(s, now, &rep)) {
        fprintf(stderr, "linli: retention sweep failed\n");
        return 1;
    }
    retention_print(&rep, stdout);
    printf("children's accounts erased without a guardian's consent: %lld\n", (long long)rep.children_erased);
    printf("accounts without a data key erased: %lld; keys without an account destroyed: %lld\n",
           (long long)rep.keyless_erased, (long long)rep.orphan_keys);
    printf("breach notices sent by SMS: %lld; refused by the gateway (retried next sweep): %lld\n",
           (long long)rep.notices_sent, (long long)rep.notices_failed);
    printf("a notice not sent after %d sweeps (or to a phone that cannot be opened) is recorded as failed\n",
           NOTICE_SMS_MAX_TRIES);
    return 0;
}

/* The templates and static files, parsed once; a page that cannot parse stops the start. */
static int load_site(server_t *s)
{
    char err[768];
    web_site_t *site = web_site_load(s->conf.templates_dir, s->conf.static_dir, err, sizeof err);
    if (site && web_check_site(site, s->conf.templates_dir, err, sizeof err)) {
        web_site_free(site);
        site = NULL;
    }
    if (!site) {
        log_error(&s->log, "web: %s", err);
        fprintf(stderr, "linli: %s\n", err);
        return -1;
    }
    s->site = site;
    return 0;
}

static void photo_dir(const server_t *s, char *out, size_t n)
{
    if (*s->conf.photo_dir) snprintf(out, n, "%s", s->conf.photo_dir);
    else snprintf(out, n, "%s/photos", s->conf.data_dir);
}

static int cmd_backup(server_t *s, cli_t *cli)
{
    char photos[1024], err[512];
    if (cli->nargs != 1) return usage();
    photo_dir(s, photos, sizeof photos);
    db_t *db = dbpool_acquire(s->pool);
    int rc = backup_create(db, photos, cli->args[0], err, sizeof err);
    dbpool_release(s->pool, db);
    if (rc) fprintf(stderr, "linli: backup: %s\n", err);
    else printf("backup written to %s (no keys in it: back them up apart with linli keys backup)\n", cli->args[0]);
    return rc ? 1 : 0;
}

/* Runs before the store is opened: opening would create an empty database to restore over. */
static int cmd_restore(server_t *s, cli_t *cli)
{
    char photos[1024], err[512];
    if (cli->nargs != 1) return usage();
    photo_dir(s, photos, sizeof photos);
    if (backup_restore(cli->args[0], s->conf.data_dir, photos, err, sizeof err)) {
        fprintf(stderr, "linli: restore: %s\n", err);
        return 1;
    }
    printf("restored into %s; put keys.json and keys.db from the newest key backup in place, then run linli serve\n",
           s->conf.data_dir);
    return 0;
}

/* A current policy version published before contents were kept gets its content frozen now (H4). */
static int keep_policy_text(server_t *s)
{
    arena_t *a = arena_new(1 << 16);
    db_t *db = dbpool_acquire(s->pool);
    ctx_t c = command_ctx(s, db, a);
    const char *content = web_policy_snapshot(&c);
    int rc = content ? policy_text_keep_current(&c, content) : LL_ERR;
    dbpool_release(s->pool, db);
    arena_free(a);
    if (rc) log_error(&s->log, "cannot keep the current policy's content");
    return rc;
}

/* pay_provider names a provider Linli has, and the http one is configured, before anyone can pay. */
static int check_pay_provider(server_t *s)
{
    const conf_t *cf = &s->conf;
    const char *why = NULL;
    if (!pay_current(cf) && strcmp(cf->pay_provider, "none")) why = "pay_provider: expected sandbox, http or none";
    else if (pay_current(cf) == &pay_http && (strncmp(cf->pay_http_url, "http", 4) || !*cf->pay_http_key || !*cf->pay_http_name))
        why = "pay_provider = http needs pay_http_url, pay_http_key and pay_http_name";
    if (why) {
        log_error(&s->log, "%s", why);
        fprintf(stderr, "linli: %s\n", why);
    }
    return why ? -1 : 0;
}

static int cmd_serve(server_t *s)
{
    sigset_t set;
    int sig;
    if (check_pay_provider(s) || open_sms(s) || open_verifier(s) || load_site(s) || keep_policy_text(s)) return 1;
    if (photo_init("linli")) {
        log_error(&s->log, "cannot start the image library");
        return 1;
    }
    /* one table for the router: the API's routes, then the pages' */
    route_t *all = mem_calloc(api_nroutes + web_nroutes, sizeof(route_t));
    memcpy(all, api_routes, api_nroutes * sizeof(route_t));
    if (web_nroutes) memcpy(all + api_nroutes, web_routes, web_nroutes * sizeof(route_t));
    s->routes = all;
    s->nroutes = api_nroutes + web_nroutes;
    s->page_refusal = web_refusal;
    signal(SIGPIPE, SIG_IGN);
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* workers inherit the mask; main waits below */
    if (!*s->conf.pay_sandbox_key) { /* a random key per process: the sandbox signs and checks in one place */
        unsigned char k[32];
        randombytes_buf(k, sizeof k);
        sodium_bin2hex(s->conf.pay_sandbox_key, sizeof s->conf.pay_sandbox_key, k, sizeof k);
    }
    /* one Argon2id per core at a time; another answers busy at once, so a worker is never parked on a hash */
    gate_init(&s->hash_gate, (unsigned)(s->conf.threads + 1) / 2);
    s->views = vc_new((size_t)s->conf.view_cache_mb << 20);
    dbpool_set_views(s->pool, s->views);
    if (server_start(s)) return 1;
    pthread_mutex_init(&s->stop_mu, NULL);
    pthread_cond_init(&s->stop_cv, NULL);
    pthread_create(&s->sweeper, NULL, sweeper_main, s);
    pthread_create(&s->notifier, NULL, notifier_main, s);
    pthread_create(&s->tidier, NULL, tidier_main, s);
    log_info(&s->log, "serving on http://%s (data in %s)", s->conf.listen, s->conf.data_dir);
    fprintf(stderr, "linli: serving on http://%s (data in %s)\n", s->conf.listen, s->conf.data_dir);
    sigwait(&set, &sig);
    fprintf(stderr, "linli: stopping\n");
    pthread_mutex_lock(&s->stop_mu);
    s->stopping = true;
    pthread_cond_broadcast(&s->stop_cv);
    pthread_mutex_unlock(&s->stop_mu);
    pthread_join(s->sweeper, NULL);
    pthread_join(s->notifier, NULL);
    pthread_join(s->tidier, NULL);
    server_stop(s);
    dbpool_set_views(s->pool, NULL);
    vc_free(s->views);
    gate_destroy(&s->hash_gate);
    photo_shutdown();
    free(all);
    return 0;
}

/* The key store and key file into their own folder: kept apart from data backups, and briefly (G4). */
static int cmd_keys_backup(server_t *s, const char *dest)
{
    char keys[1024], err[512];
    key_file(s, keys, sizeof keys);
    db_t *db = dbpool_acquire(s->pool);
    int rc = backup_keys(db, keys, dest, err, sizeof err);
    dbpool_release(s->pool, db);
    if (rc) fprintf(stderr, "linli: keys backup: %s\n", err);
    else printf("keys written to %s: store them apart from data backups and delete them after %d days\n", dest,
                BACKUP_KEYS_KEEP_DAYS);
    return rc ? 1 : 0;
}

static int cmd_keys(server_t *s, cli_t *cli)
{
    uint32_t ver;
    int64_t n = 0;
    if (cli->nargs == 2 && !strcmp(cli->args[0], "backup")) return cmd_keys_backup(s, cli->args[1]);
    if (cli->nargs != 1 || strcmp(cli->args[0], "rotate")) return usage();
    if (vault_rotate(s->vault, &ver)) {
        log_error(&s->log, "key rotation failed: the key file was not changed");
        return 1;
    }
    arena_t *a = arena_new(4096);
    db_t *db = dbpool_acquire(s->pool);
    ctx_t c = command_ctx(s, db, a);
    int rc = pi_rewrap_keys(&c, &n);
    if (rc == LL_OK) audit_append(&c, "keys.rotated", 0, 0, arena_printf(a, "{\"version\":%u}", ver));
    dbpool_release(s->pool, db);
    arena_free(a);
    printf("master key version %u; %lld data keys re-wrapped%s\n", ver, (long long)n, rc ? " (incomplete)" : "");
    return rc ? 1 : 0;
}

static int cmd_staff(server_t *s, cli_t *cli)
{
    if (cli->nargs != 3 || (strcmp(cli->args[0], "grant") && strcmp(cli->args[0], "revoke"))) return usage();
    arena_t *a = arena_new(4096);
    db_t *db = dbpool_acquire(s->pool);
    ctx_t c = command_ctx(s, db, a);
    bool grant = !strcmp(cli->args[0], "grant");
    int rc = grant ? staff_grant(&c, cli->args[1], cli->args[2]) : staff_revoke(&c, cli->args[1], cli->args[2]);
    dbpool_release(s->pool, db);
    if (rc == LL_NOTFOUND && c.err_field) fprintf(stderr, "linli: that account does not hold that role\n");
    else if (rc == LL_NOTFOUND) fprintf(stderr, "linli: no account has that phone number\n");
    else if (rc == LL_INVALID) fprintf(stderr, "linli: invalid phone number or role\n");
    else if (rc) fprintf(stderr, "linli: failed\n");
    else printf("%s %s\n", grant ? "granted" : "revoked", cli->args[2]);
    arena_free(a);
    return rc ? 1 : 0;
}

/* The partner's export on stdout, recorded as shares; messages on stderr only. */
static int cmd_share(server_t *s, cli_t *cli)
{
    int64_t n = 0;
    if (cli->nargs != 2 || strcmp(cli->args[0], "export")) return usage();
    arena_t *a = arena_new(1 << 16);
    db_t *db = dbpool_acquire(s->pool);
    ctx_t c = command_ctx(s, db, a);
    int rc = share_export(&c, cli->args[1], stdout, &n);
    dbpool_release(s->pool, db);
    if (rc == LL_NOTFOUND && c.err_field) fprintf(stderr, "linli: no partner is registered under that name\n");
    else if (rc == LL_NOTFOUND) fprintf(stderr, "linli: nobody has agreed to sharing with partners; nothing exported\n");
    else if (rc == LL_DENIED)
        fprintf(stderr, "linli: the partner is outside the data region (%s) and nobody has agreed to cross-border "
                        "transfer (cross_border); nothing exported\n", s->conf.data_region);
    else if (rc) fprintf(stderr, "linli: export failed; nothing was recorded\n");
    else fprintf(stderr, "linli: %lld records exported and recorded\n", (long long)n);
    arena_free(a);
    return rc ? 1 : 0;
}

/* Prints one line per check; exits 0 when every check passes, 1 on findings, 2 if it could not check. */
static int cmd_audit(server_t *s)
{
    audit_report_t rep;
    db_t *db = dbpool_acquire(s->pool);
    int chain = audit_verify(db, s->vault, &rep);
    int schema = check_schema(db, stdout), sealed = check_sealed(db, stdout);
    int kept = check_retention(db, (int64_t)time(NULL), stdout), keys = check_keys(db, s->vault, stdout);
    dbpool_release(s->pool, db);
    if (chain < 0 || schema < 0 || sealed < 0 || kept < 0 || keys < 0) {
        fprintf(stderr, "linli: audit: cannot read the database\n");
        return 2;
    }
    if (chain > 0)
        printf("FAIL audit-chain: entry %lld does not verify (%lld entries read)\n", (long long)rep.first_bad,
               (long long)rep.entries);
    else
        printf("ok   audit-chain: %lld entries verify\n", (long long)rep.entries);
    if (!schema) printf("ok   declarations: every column is declared once\n");
    if (!sealed) printf("ok   sealed-fields: every declared sealed or hashed field holds only sealed values\n");
    if (!kept) printf("ok   retention: nothing is kept past its declared period\n");
    if (!keys) printf("ok   keys: every account has exactly one data key, and every key opens\n");
    return chain || schema || sealed || kept || keys ? 1 : 0;
}

int main(int argc, char **argv)
{
    server_t s;
    cli_t cli;
    memset(&s, 0, sizeof s);
    conf_defaults(&s.conf);
    if (parse_cli(&s, argc, argv, &cli)) return usage();
    bool serve = !strcmp(cli.cmd, "serve");
    if (strcmp(cli.cmd, "serve") && strcmp(cli.cmd, "migrate") && strcmp(cli.cmd, "keys") &&
        strcmp(cli.cmd, "staff") && strcmp(cli.cmd, "audit") && strcmp(cli.cmd, "retention") &&
        strcmp(cli.cmd, "backup") && strcmp(cli.cmd, "restore") && strcmp(cli.cmd, "share"))
        return usage();
    if (!strcmp(cli.cmd, "restore")) return cmd_restore(&s, &cli);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = 1;
    if (open_store(&s, serve) == 0) {
        if (serve) rc = cmd_serve(&s);
        else if (!strcmp(cli.cmd, "migrate")) rc = (printf("schema up to date\n"), 0);
        else if (!strcmp(cli.cmd, "keys")) rc = cmd_keys(&s, &cli);
        else if (!strcmp(cli.cmd, "staff")) rc = cmd_staff(&s, &cli);
        else if (!strcmp(cli.cmd, "retention")) rc = cmd_retention(&s, &cli);
        else if (!strcmp(cli.cmd, "backup")) rc = cmd_backup(&s, &cli);
        else if (!strcmp(cli.cmd, "share")) rc = cmd_share(&s, &cli);
        else rc = cmd_audit(&s);
    }
    close_store(&s);
    curl_global_cleanup();
    return rc;
}
