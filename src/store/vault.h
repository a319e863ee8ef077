/*
 * vault.h — field encryption and blind indexes (promise F3).
 *
 * Key hierarchy: a versioned master key (in a 0600 key file) wraps one data
 * key (DEK) per data subject; personal fields are sealed with the subject's
 * DEK (XChaCha20-Poly1305, the field name as associated data, so a sealed
 * value cannot be moved to another column). Rotation re-wraps DEKs only.
 * Destroying a DEK makes every copy of that subject's fields unreadable,
 * backups included (crypto-shredding, G4).
 *
 * Wire formats (all tagged with the version of the key that made them):
 *   wrapped DEK:  'K' '1' | u32 master version | 24 nonce | 32+16 ciphertext
 *   sealed field: 'L' '1' | u32 DEK version    | 24 nonce | n+16 ciphertext
 * Blind indexes are keyed BLAKE2b hashes with a separate key, one sub-key per
 * domain, so equal phones match but the index reveals nothing without the key.
 */
#ifndef LL_VAULT_H
#define LL_VAULT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VAULT_KEY_LEN 32
#define VAULT_HDR_LEN (2 + 4 + 24)
#define VAULT_TAG_LEN 16
#define VAULT_WRAPPED_LEN (VAULT_HDR_LEN + VAULT_KEY_LEN + VAULT_TAG_LEN)
#define VAULT_BLIND_LEN 32
#define VAULT_SEALED_LEN(n) (VAULT_HDR_LEN + (n) + VAULT_TAG_LEN)

typedef enum {
    VAULT_BI_PHONE = 1,    /* look up an account by phone */
    VAULT_BI_USERNAME = 2, /* unique user names */
    VAULT_BI_CODE = 3,     /* SMS codes at rest */
    VAULT_BI_CLIENT = 4,   /* client addresses in the audit log */
    VAULT_BI_LIMIT = 5,    /* rate-limit keys */
    VAULT_MAC_AUDIT = 6,   /* the audit log hash chain */
    VAULT_BI_PARTNER = 7,  /* per-partner pseudonym keys of de-identified exports (E4) */
} vault_domain_t;

typedef struct vault vault_t;

/* Opens the key file, creating it (0600) when create is set and it is missing. */
int vault_open(vault_t **out, const char *path, bool create, char *err, size_t errlen);
void vault_close(vault_t *v);
/* Adds a new master key version and makes it current (atomic file replace). */
int vault_rotate(vault_t *v, uint32_t *new_version);
uint32_t vault_current(vault_t *v);
/* Wraps an existing DEK under the current master key. */
void vault_dek_wrap(vault_t *v, const uint8_t dek[VAULT_KEY_LEN], uint8_t wrapped[VAULT_WRAPPED_LEN]);
/* A fresh DEK and its wrapping under the current master key. */
int vault_dek_new(vault_t *v, uint8_t dek[VAULT_KEY_LEN], uint8_t wrapped[VAULT_WRAPPED_LEN]);
/* Unwraps; re-reads the key file once if the version is unknown (rotated elsewhere). */
int vault_dek_unwrap(vault_t *v, const void *wrapped, size_t len, uint8_t dek[VAULT_KEY_LEN]);
/* The master version a wrapped DEK was made with; 0 if malformed. */
uint32_t vault_wrapped_version(const void *wrapped, size_t len);
/* Seals n bytes into out (VAULT_SEALED_LEN(n) bytes). */
void vault_seal(const uint8_t dek[VAULT_KEY_LEN], const char *ad, const void *plain, size_t n, uint8_t *out);
/* Opens a sealed value into out (len - VAULT_HDR_LEN - VAULT_TAG_LEN bytes); 0 or -1. */
int vault_unseal(const uint8_t dek[VAULT_KEY_LEN], const char *ad, const void *in, size_t len, uint8_t *out);
/* True if a stored value has the sealed-field format. */
bool vault_is_sealed(const void *blob, size_t len);
/* Keyed BLAKE2b of data under the sub-key of dom (blind index or MAC). */
void vault_blind(vault_t *v, vault_domain_t dom, const void *data, size_t n, uint8_t out[VAULT_BLIND_LEN]);

#endif
