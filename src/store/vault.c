/*
 * vault.c — key file, DEK wrapping, field sealing, blind indexes (vault.h).
 *
 * Invariants: key material lives in sodium_malloc'd (guarded, mlocked)
 * memory; the key file is only ever replaced whole by rename, so a reader
 * never sees half a file; master keys are never deleted by rotation, so any
 * wrapped DEK stays readable until it is re-wrapped.
 */
#include "store/vault.h"
#include "base/mem.h"
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_VERSIONS 256

typedef struct {
    uint8_t master[MAX_VERSIONS][VAULT_KEY_LEN]; /* index = version; 0 unused */
    bool have[MAX_VERSIONS];
    uint8_t blind_root[VAULT_KEY_LEN];
} keyring_t;

struct vault {
    pthread_rwlock_t lock;
    keyring_t *keys; /* sodium_malloc'd */
    uint32_t current;
    char path[512];
};

static void put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int hex_key(const char *hex, uint8_t out[VAULT_KEY_LEN])
{
    size_t n = 0;
    if (!hex || strlen(hex) != 2 * VAULT_KEY_LEN) return -1;
    if (sodium_hex2bin(out, VAULT_KEY_LEN, hex, strlen(hex), NULL, &n, NULL) || n != VAULT_KEY_LEN) return -1;
    return 0;
}

/* Parses the key file into kr; sets *current. */
static int read_keys(const char *path, keyring_t *kr, uint32_t *current, char *err, size_t errlen)
{
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    int rc = -1;
    if (!root) {
        snprintf(err, errlen, "key file %s: %s", path, je.text);
        return -1;
    }
    json_t *master = json_object_get(root, "master");
    json_int_t cur = json_integer_value(json_object_get(root, "current"));
    memset(kr, 0, sizeof(*kr));
    if (!json_is_object(master) || hex_key(json_string_value(json_object_get(root, "blind")), kr->blind_root)) {
        snprintf(err, errlen, "key file %s: missing master or blind key", path);
        goto done;
    }
    const char *name;
    json_t *val;
    json_object_foreach(master, name, val)
    {
        long ver = strtol(name, NULL, 10);
        if (ver < 1 || ver >= MAX_VERSIONS || hex_key(json_string_value(val), kr->master[ver])) {
            snprintf(err, errlen, "key file %s: bad master key '%s'", path, name);
            goto done;
        }
        kr->have[ver] = true;
    }
    if (cur < 1 || cur >= MAX_VERSIONS || !kr->have[cur]) {
        snprintf(err, errlen, "key file %s: current version missing", path);
        goto done;
    }
    *current = (uint32_t)cur;
    rc = 0;
done:
    json_decref(root);
    return rc;
}

static json_t *hex_json(const uint8_t key[VAULT_KEY_LEN])
{
    char hex[2 * VAULT_KEY_LEN + 1];
    sodium_bin2hex(hex, sizeof hex, key, VAULT_KEY_LEN);
    json_t *s = json_string(hex);
    sodium_memzero(hex, sizeof hex);
    return s;
}

/* Writes the keyring to path via a 0600 temporary file and rename. */
static int write_keys(const char *path, const keyring_t *kr, uint32_t current)
{
    json_t *root = json_object(), *master = json_object();
    char tmp[600];
    int rc = -1, fd = -1;
    for (int v = 1; v < MAX_VERSIONS; v++) {
        if (!kr->have[v]) continue;
        char name[16];
        snprintf(name, sizeof name, "%d", v);
        json_object_set_new(master, name, hex_json(kr->master[v]));
    }
    json_object_set_new(root, "format", json_integer(1));
    json_object_set_new(root, "current", json_integer(current));
    json_object_set_new(root, "master", master);
    json_object_set_new(root, "blind", hex_json(kr->blind_root));
    char *text = json_dumps(root, JSON_INDENT(2));
    snprintf(tmp, sizeof tmp, "%s.tmp.%d", path, (int)getpid());
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) goto done;
    size_t n = strlen(text);
    if (write(fd, text, n) != (ssize_t)n || fsync(fd) != 0) goto done;
    if (close(fd) != 0) {
        fd = -1;
        goto done;
    }
    fd = -1;
    if (rename(tmp, path) != 0) goto done;
    rc = 0;
done:
    if (fd >= 0) close(fd);
    if (rc) unlink(tmp);
    if (text) {
        sodium_memzero(text, strlen(text));
        free(text);
    }
    json_decref(root);
    return rc;
}

int vault_open(vault_t **out, const char *path, bool create, char *err, size_t errlen)
{
    if (sodium_init() < 0) {
        snprintf(err, errlen, "libsodium failed to initialise");
        return -1;
    }
    vault_t *v = mem_calloc(1, sizeof(*v));
    v->keys = sodium_malloc(sizeof(keyring_t));
    if (!v->keys) PANIC("sodium_malloc");
    snprintf(v->path, sizeof v->path, "%s", path);
    pthread_rwlock_init(&v->lock, NULL);
    if (access(path, F_OK) != 0 && errno == ENOENT && create) {
        memset(v->keys, 0, sizeof(keyring_t));
        randombytes_buf(v->keys->master[1], VAULT_KEY_LEN);
        randombytes_buf(v->keys->blind_root, VAULT_KEY_LEN);
        v->keys->have[1] = true;
        v->current = 1;
        if (write_keys(path, v->keys, 1)) {
            snprintf(err, errlen, "cannot write key file %s", path);
            vault_close(v);
            return -1;
        }
    } else {
        struct stat sb;
        if (stat(path, &sb) == 0 && (sb.st_mode & 077)) {
            snprintf(err, errlen, "key file %s must not be readable by group or others (chmod 600)", path);
            vault_close(v);
            return -1;
        }
        if (read_keys(path, v->keys, &v->current, err, errlen)) {
            vault_close(v);
            return -1;
        }
    }
    *out = v;
    return 0;
}

void vault_close(vault_t *v)
{
    if (!v) return;
    sodium_free(v->keys);
    pthread_rwlock_destroy(&v->lock);
    free(v);
}

uint32_t vault_current(vault_t *v)
{
    pthread_rwlock_rdlock(&v->lock);
    uint32_t c = v->current;
    pthread_rwlock_unlock(&v->lock);
    return c;
}

/* Re-reads the key file (another process rotated); 0 if the keyring changed. */
static int reload(vault_t *v)
{
    keyring_t *kr = sodium_malloc(sizeof(keyring_t));
    uint32_t cur;
    char err[256];
    if (!kr) PANIC("sodium_malloc");
    int rc = read_keys(v->path, kr, &cur, err, sizeof err);
    if (rc == 0) {
        pthread_rwlock_wrlock(&v->lock);
        memcpy(v->keys, kr, sizeof(*kr));
        v->current = cur;
        pthread_rwlock_unlock(&v->lock);
    }
    sodium_free(kr);
    return rc;
}

int vault_rotate(vault_t *v, uint32_t *new_version)
{
    if (reload(v)) return -1; /* start from the file as it is now */
    pthread_rwlock_wrlock(&v->lock);
    int rc = -1;
    uint32_t next = v->current + 1;
    if (next < MAX_VERSIONS) {
        randombytes_buf(v->keys->master[next], VAULT_KEY_LEN);
        v->keys->have[next] = true;
        if (write_keys(v->path, v->keys, next) == 0) {
            v->current = next;
            *new_version = next;
            rc = 0;
        } else {
            v->keys->have[next] = false;
        }
    }
    pthread_rwlock_unlock(&v->lock);
    return rc;
}

static const unsigned char DEK_AD[] = "linli-dek";

void vault_dek_wrap(vault_t *v, const uint8_t dek[VAULT_KEY_LEN], uint8_t wrapped[VAULT_WRAPPED_LEN])
{
    pthread_rwlock_rdlock(&v->lock);
    uint32_t ver = v->current;
    wrapped[0] = 'K', wrapped[1] = '1';
    put_u32(wrapped + 2, ver);
    randombytes_buf(wrapped + 6, 24);
    crypto_aead_xchacha20poly1305_ietf_encrypt(wrapped + VAULT_HDR_LEN, NULL, dek, VAULT_KEY_LEN, DEK_AD,
                                               sizeof DEK_AD - 1, NULL, wrapped + 6, v->keys->master[ver]);
    pthread_rwlock_unlock(&v->lock);
}

int vault_dek_new(vault_t *v, uint8_t dek[VAULT_KEY_LEN], uint8_t wrapped[VAULT_WRAPPED_LEN])
{
    crypto_aead_xchacha20poly1305_ietf_keygen(dek);
    vault_dek_wrap(v, dek, wrapped);
    return 0;
}

uint32_t vault_wrapped_version(const void *wrapped, size_t len)
{
    const uint8_t *w = wrapped;
    if (len != VAULT_WRAPPED_LEN || w[0] != 'K' || w[1] != '1') return 0;
    return get_u32(w + 2);
}

static int try_unwrap(vault_t *v, const uint8_t *w, uint32_t ver, uint8_t dek[VAULT_KEY_LEN])
{
    int rc = -1;
    pthread_rwlock_rdlock(&v->lock);
    if (ver < MAX_VERSIONS && v->keys->have[ver])
        rc = crypto_aead_xchacha20poly1305_ietf_decrypt(dek, NULL, NULL, w + VAULT_HDR_LEN,
                                                        VAULT_KEY_LEN + VAULT_TAG_LEN, DEK_AD, sizeof DEK_AD - 1,
                                                        w + 6, v->keys->master[ver]);
    bool known = ver < MAX_VERSIONS && v->keys->have[ver];
    pthread_rwlock_unlock(&v->lock);
    return rc == 0 ? 0 : known ? -1 : 1;
}

int vault_dek_unwrap(vault_t *v, const void *wrapped, size_t len, uint8_t dek[VAULT_KEY_LEN])
{
    uint32_t ver = vault_wrapped_version(wrapped, len);
    if (ver == 0) return -1;
    int rc = try_unwrap(v, wrapped, ver, dek);
    if (rc == 1 && reload(v) == 0) rc = try_unwrap(v, wrapped, ver, dek);
    return rc == 0 ? 0 : -1;
}

void vault_seal(const uint8_t dek[VAULT_KEY_LEN], const char *ad, const void *plain, size_t n, uint8_t *out)
{
    out[0] = 'L', out[1] = '1';
    put_u32(out + 2, 1); /* DEK generation: a DEK is never rotated, only re-wrapped */
    randombytes_buf(out + 6, 24);
    crypto_aead_xchacha20poly1305_ietf_encrypt(out + VAULT_HDR_LEN, NULL, plain, n, (const uint8_t *)ad,
                                               strlen(ad), NULL, out + 6, dek);
}

bool vault_is_sealed(const void *blob, size_t len)
{
    const uint8_t *b = blob;
    return len >= VAULT_HDR_LEN + VAULT_TAG_LEN && b[0] == 'L' && b[1] == '1';
}

int vault_unseal(const uint8_t dek[VAULT_KEY_LEN], const char *ad, const void *in, size_t len, uint8_t *out)
{
    const uint8_t *b = in;
    if (!vault_is_sealed(in, len)) return -1;
    return crypto_aead_xchacha20poly1305_ietf_decrypt(out, NULL, NULL, b + VAULT_HDR_LEN, len - VAULT_HDR_LEN,
                                                      (const uint8_t *)ad, strlen(ad), b + 6, dek) == 0
               ? 0
               : -1;
}

void vault_blind(vault_t *v, vault_domain_t dom, const void *data, size_t n, uint8_t out[VAULT_BLIND_LEN])
{
    uint8_t sub[crypto_generichash_KEYBYTES];
    pthread_rwlock_rdlock(&v->lock);
    crypto_kdf_derive_from_key(sub, sizeof sub, (uint64_t)dom, "linli-bi", v->keys->blind_root);
    pthread_rwlock_unlock(&v->lock);
    crypto_generichash(out, VAULT_BLIND_LEN, data, n, sub, sizeof sub);
    sodium_memzero(sub, sizeof sub);
}
