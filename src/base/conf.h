/*
 * conf.h — every setting of Linli, in one typed table (conf.c).
 *
 * Each setting has a name, a type, bounds and a safe default; linli.conf
 * (INI, `name = value`, `#` comments, optional [section] headers that are
 * ignored) overrides them, and command-line flags override the file.
 */
#ifndef LL_CONF_H
#define LL_CONF_H
#include <stdbool.h>

typedef struct conf {
    char listen[128];          /* HOST:PORT */
    char data_dir[512];
    char key_file[512];        /* empty: <data_dir>/keys.json */
    int threads;               /* 0: two per core */
    int max_body_kb;           /* JSON bodies */
    int max_upload_kb;         /* multipart uploads */
    int conn_timeout_s;        /* idle / slow client cut-off */
    char sms_gateway[16];      /* "outbox" or "http" */
    char sms_http_url[512];
    char sms_http_token[256];
    int sms_interval_s;        /* per number, between two codes */
    int sms_per_number_day;
    int sms_per_ip_hour;
    int code_ttl_s;
    int code_max_tries;
    int session_idle_days;
    int session_max_days;
    bool cookie_secure;        /* true behind TLS */
    bool db_sync_full;         /* fsync every commit (durable against power loss) */
    int view_cache_mb;         /* memory for shared copies of listing cards (search results); 0: none */
    bool access_log;
    int sweep_interval_s;
    int search_fold_rows;      /* listings in the recent part of the full text before it is folded (listing.h) */
    int search_merge_every_s;  /* how often the main part is merged back into one segment, at most */
    int stats_k;               /* public statistics suppress every count below this (D4) */      /* how often serve runs the retention sweep */
    bool premoderate;          /* every new listing waits for a moderator */
    char regions_file[512];    /* administrative divisions with centres */
    char photo_dir[512];       /* empty: <data_dir>/photos */
    char templates_dir[512];   /* the pages' Mustache templates, read once at start */
    char static_dir[512];      /* CSS and other files served under /static/, read once at start */
    char operator_name[256];   /* who runs this site, named in the privacy policy (empty: not stated) */
    char privacy_contact[256]; /* how to reach the person in charge of personal data (H5) */
    int order_contact_days;    /* days after completion the merchant still sees the customer's phone and address (C8) */
    char pay_provider[16];     /* "sandbox", "http" or "none" (paying answers 503) */
    char pay_http_url[512];    /* pay_provider = http: the gateway's base URL (POST <url>/trades, <url>/refunds) */
    char pay_http_key[128];    /* pay_provider = http: HMAC key of requests to and callbacks from the gateway */
    char pay_http_name[128];   /* pay_provider = http: the payment company, named in the sharing record (C5) */
    char pay_sandbox_key[128]; /* HMAC key of the sandbox provider's callbacks; empty: random per process */
    char pay_notify_url[512];  /* where the sandbox delivers callbacks; empty: http://<listen>/api/v1/payments/sandbox/callback */
    char data_region[8];       /* ISO 3166 code where data is stored; exports elsewhere need cross_border (F1) */
    char verifier[16];         /* identity verifier (C1): "local" or "http" */
    char verify_known_file[512]; /* local: name<TAB>id_number[<TAB>card] lines that match; empty: format only */
    char verify_http_url[512];
    char verify_http_token[256];
    char verify_face_url[512]; /* http: the provider's face check; empty: face checks unavailable */
    int job_quota;             /* live job listings an account without an approved organisation may have (C7) */
} conf_t;

void conf_defaults(conf_t *c);
/* Applies one `name = value`; returns 0, or -1 with a message in err. */
int conf_set(conf_t *c, const char *name, const char *value, char *err, int errlen);
int conf_load_file(conf_t *c, const char *path, char *err, int errlen);
/* The path of a file inside the data folder. */
void conf_data_path(const conf_t *c, const char *name, char *out, int outlen);

#endif
