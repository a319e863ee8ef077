/*
 * check.h — self-audit of a live database against the PI declarations
 * (`linli audit`): columns nobody declared, personal data in clear where
 * the declaration says sealed, blind indexes that are not hashes.
 */
#ifndef LL_CHECK_H
#define LL_CHECK_H
#include "store/db.h"
#include "store/vault.h"
#include <stdint.h>
#include <stdio.h>

/* Prints one line per finding to out; returns the number of findings, or -1 on error. */
int check_schema(db_t *db, FILE *out);
int check_sealed(db_t *db, FILE *out);
/* Values kept past their declared period at time now (the sweep should have removed them). */
int check_retention(db_t *db, int64_t now, FILE *out);
/* The key store against the accounts: accounts without a key (shredded), keys without an account, keys that do not open. */
int check_keys(db_t *db, vault_t *v, FILE *out);

#endif
