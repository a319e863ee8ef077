/* test_vault.c — field sealing, key versions, rotation, blind indexes (F3). */
#include "support.h"
#include "store/vault.h"
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static void test_F3_seal_roundtrip_and_context_binding(void **state)
{
    env_t *e = *state;
    uint8_t dek[VAULT_KEY_LEN], wrapped[VAULT_WRAPPED_LEN], out[64];
    uint8_t sealed[VAULT_SEALED_LEN(11)];
    vault_dek_new(e->vault, dek, wrapped);
    vault_seal(dek, "users.phone", "13800138000", 11, sealed);
    assert_true(vault_is_sealed(sealed, sizeof sealed));
    assert_false(support_contains(sealed, sizeof sealed, "13800138000", 11));
    assert_int_equal(vault_unseal(dek, "users.phone", sealed, sizeof sealed, out), 0);
    assert_memory_equal(out, "13800138000", 11);
    /* a sealed phone moved into another column does not open */
    assert_int_not_equal(vault_unseal(dek, "users.email", sealed, sizeof sealed, out), 0);
    sealed[sizeof sealed - 1] ^= 1;
    assert_int_not_equal(vault_unseal(dek, "users.phone", sealed, sizeof sealed, out), 0);
}

static void test_F3_rotation_keeps_old_wrapped_keys_readable(void **state)
{
    env_t *e = *state;
    uint8_t dek[VAULT_KEY_LEN], again[VAULT_KEY_LEN], w1[VAULT_WRAPPED_LEN], w2[VAULT_WRAPPED_LEN];
    uint32_t before = vault_current(e->vault), after;
    vault_dek_new(e->vault, dek, w1);
    assert_int_equal(vault_wrapped_version(w1, sizeof w1), before);
    assert_int_equal(vault_rotate(e->vault, &after), 0);
    assert_int_equal(after, before + 1);
    assert_int_equal(vault_dek_unwrap(e->vault, w1, sizeof w1, again), 0);
    assert_memory_equal(dek, again, VAULT_KEY_LEN);
    vault_dek_wrap(e->vault, dek, w2);
    assert_int_equal(vault_wrapped_version(w2, sizeof w2), after);
}

static void test_F3_other_process_rotation_is_picked_up(void **state)
{
    env_t *e = *state;
    char path[1024], err[256];
    vault_t *other;
    uint8_t dek[VAULT_KEY_LEN], got[VAULT_KEY_LEN], w[VAULT_WRAPPED_LEN];
    uint32_t ver;
    snprintf(path, sizeof path, "%s/keys.json", e->dir);
    assert_int_equal(vault_open(&other, path, false, err, sizeof err), 0);
    assert_int_equal(vault_rotate(other, &ver), 0);
    vault_dek_new(other, dek, w); /* wrapped under a version e->vault has not seen */
    assert_int_equal(vault_dek_unwrap(e->vault, w, sizeof w, got), 0);
    assert_memory_equal(dek, got, VAULT_KEY_LEN);
    vault_close(other);
}

static void test_F3_key_file_is_private(void **state)
{
    env_t *e = *state;
    char path[1024], err[256];
    struct stat sb;
    vault_t *v;
    snprintf(path, sizeof path, "%s/keys.json", e->dir);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 077, 0);
    chmod(path, 0644);
    assert_int_not_equal(vault_open(&v, path, false, err, sizeof err), 0);
    assert_non_null(strstr(err, "chmod 600"));
    chmod(path, 0600);
}

static void test_blind_index_is_deterministic_and_domain_separated(void **state)
{
    env_t *e = *state;
    uint8_t a[VAULT_BLIND_LEN], b[VAULT_BLIND_LEN], c[VAULT_BLIND_LEN];
    vault_blind(e->vault, VAULT_BI_PHONE, "13800138000", 11, a);
    vault_blind(e->vault, VAULT_BI_PHONE, "13800138000", 11, b);
    vault_blind(e->vault, VAULT_BI_USERNAME, "13800138000", 11, c);
    assert_memory_equal(a, b, sizeof a);
    assert_memory_not_equal(a, c, sizeof a);
}

static void test_malformed_wrapped_key_is_refused(void **state)
{
    env_t *e = *state;
    uint8_t junk[VAULT_WRAPPED_LEN] = {'K', '1', 0, 0, 0, 99}, dek[VAULT_KEY_LEN];
    assert_int_not_equal(vault_dek_unwrap(e->vault, junk, sizeof junk, dek), 0);
    assert_int_not_equal(vault_dek_unwrap(e->vault, junk, 5, dek), 0);
}


int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_F3_seal_roundtrip_and_context_binding, support_env_setup, support_env_teardown),
        cmocka_unit_test_setup_teardown(test_F3_rotation_keeps_old_wrapped_keys_readable, support_env_setup, support_env_teardown),
        cmocka_unit_test_setup_teardown(test_F3_other_process_rotation_is_picked_up, support_env_setup, support_env_teardown),
        cmocka_unit_test_setup_teardown(test_F3_key_file_is_private, support_env_setup, support_env_teardown),
        cmocka_unit_test_setup_teardown(test_blind_index_is_deterministic_and_domain_separated, support_env_setup, support_env_teardown),
        cmocka_unit_test_setup_teardown(test_malformed_wrapped_key_is_refused, support_env_setup, support_env_teardown),
    };
    return cmocka_run_group_tests_name("vault", tests, NULL, NULL);
}
