/* support.c — helpers shared by the unit tests (see support.h). */
#include "support.h"
#include "base/mem.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *support_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char tmpl[512];
    snprintf(tmpl, sizeof tmpl, "%s/linli-test-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(tmpl)) PANIC("mkdtemp");
    return mem_strdup(tmpl);
}

void support_rmtree(const char *dir)
{
    char cmd[1024];
    if (!dir || strncmp(dir, "/", 1) != 0 || !strstr(dir, "linli-test-")) return;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "support: could not remove %s\n", dir);
}

unsigned char *support_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 65536, n = 0;
    unsigned char *buf = mem_alloc(cap);
    size_t k;
    while ((k = fread(buf + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n == cap) buf = mem_realloc(buf, cap *= 2);
    }
    fclose(f);
    *len = n;
    return buf;
}

int support_contains(const unsigned char *hay, size_t hlen, const void *needle, size_t nlen)
{
    return nlen && memmem(hay, hlen, needle, nlen) != NULL;
}

typedef struct {
    sms_gw_t gw;
    char code[8], phone[16];
    int sent;
    int fail; /* nonzero: the gateway refuses */
} capture_gw_t;

static int capture_send(sms_gw_t *gw, const char *phone, const char *text, const char *code, const char *purpose,
                        int64_t now)
{
    capture_gw_t *g = (capture_gw_t *)gw;
    (void)text, (void)purpose, (void)now;
    if (g->fail) return -1;
    snprintf(g->code, sizeof g->code, "%s", code);
    snprintf(g->phone, sizeof g->phone, "%s", phone);
    g->sent++;
    return 0;
}

static void capture_free(sms_gw_t *gw)
{
    free(gw);
}

env_t *support_env_new(void)
{
    env_t *e = mem_calloc(1, sizeof(*e));
    char path[1024], err[256];
    e->dir = support_tmpdir();
    conf_defaults(&e->conf);
    snprintf(e->conf.data_dir, sizeof e->conf.data_dir, "%s", e->dir);
    log_open(&e->log, NULL);
    snprintf(path, sizeof path, "%s/keys.json", e->dir);
    if (vault_open(&e->vault, path, true, err, sizeof err)) PANIC(err);
    snprintf(path, sizeof path, "%s/linli.db", e->dir);
    if (db_open(&e->db, path, false, &e->log) || db_migrate(e->db)) PANIC("db");
    capture_gw_t *g = mem_calloc(1, sizeof(*g));
    g->gw.send = capture_send;
    g->gw.free = capture_free;
    e->sms = &g->gw;
    e->arena = arena_new(8192);
    e->regions = region_load("assets/regions/regions.tsv", err, sizeof err);
    if (!e->regions) PANIC(err);
    e->ctx = (ctx_t){.db = e->db, .vault = e->vault, .arena = e->arena, .log = &e->log, .conf = &e->conf,
                     .sms = e->sms, .regions = e->regions, .now = 1800000000, .client = "192.0.2.1", .agent = "test"};
    return e;
}

void support_env_free(env_t *e)
{
    db_close(e->db);
    vault_close(e->vault);
    e->sms->free(e->sms);
    arena_free(e->arena);
    region_free(e->regions);
    support_rmtree(e->dir);
    free(e->dir);
    free(e);
}

const char *support_last_code(env_t *e)
{
    return ((capture_gw_t *)e->sms)->code;
}

void support_ctx_reset(env_t *e)
{
    e->ctx.err_code = NULL;
    e->ctx.err_field = NULL;
    e->ctx.retry_after = 0;
}

void support_sms_fail(env_t *e, int fail)
{
    ((capture_gw_t *)e->sms)->fail = fail;
}

int support_env_setup(void **state)
{
    *state = support_env_new();
    return 0;
}

int support_env_teardown(void **state)
{
    support_env_free(*state);
    return 0;
}
