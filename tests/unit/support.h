/*
 * support.h — shared helpers for the cmocka unit tests.
 * Every test file includes this first; it pulls in cmocka's required headers.
 */
#ifndef LL_TEST_SUPPORT_H
#define LL_TEST_SUPPORT_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* A fresh empty directory under $TMPDIR (or /tmp); the caller frees the string. */
char *support_tmpdir(void);
/* rm -rf of a directory made by support_tmpdir. */
void support_rmtree(const char *dir);
/* Reads a whole file into a malloc'd buffer; *len gets its size. NULL if unreadable. */
unsigned char *support_read_file(const char *path, size_t *len);
/* 1 if needle occurs in haystack (binary-safe). */
int support_contains(const unsigned char *hay, size_t hlen, const void *needle, size_t nlen);



#include "base/arena.h"
#include "base/conf.h"
#include "base/ctx.h"
#include "base/log.h"
#include "store/db.h"
#include "store/vault.h"
#include "domain/sms.h"
#include "domain/region.h"

/* A complete data folder for domain tests: keys, migrated database, a capturing SMS gateway. */
typedef struct {
    char *dir;
    conf_t conf;
    log_t log;
    vault_t *vault;
    db_t *db;
    arena_t *arena;
    region_db_t *regions;
    sms_gw_t *sms;   /* records the last message in last_code/last_phone */
    ctx_t ctx;       /* ready to use; ctx.now starts at 1,800,000,000 */
} env_t;

env_t *support_env_new(void);
void support_env_free(env_t *e);
/* The code of the last SMS the env's gateway sent. */
const char *support_last_code(env_t *e);
/* cmocka setup/teardown making and freeing an env_t in *state. */
int support_env_setup(void **state);
int support_env_teardown(void **state);
/* Makes the env's SMS gateway refuse (1) or accept (0) messages. */
void support_sms_fail(env_t *e, int fail);
/* Resets the context's error fields and arena between two calls. */
void support_ctx_reset(env_t *e);
#endif
