/*
 * test_account.c — sign-in rules with an injected clock (A1, A4, F4, H3):
 * code format, expiry, single use, wrong-try limit, send limits, consent,
 * session expiry and revocation, nothing half-created on failure.
 */
#include "support.h"
#include "base/result.h"
#include "domain/account.h"
#include "domain/session.h"
#include "privacy/audit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PHONE "13800138000"

static int count(env_t *e, const char *sql)
{
    sqlite3_stmt *st;
    int n = -1;
    sqlite3_prepare_v2(db_handle(e->db), sql, -1, &st, NULL);
    if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n;
}

static int send_code(env_t *e, const char *phone)
{
    support_ctx_reset(e);
    return acct_send_code(&e->ctx, phone, "login");
}

static int login(env_t *e, const char *code, int accept, acct_login_t *out)
{
    support_ctx_reset(e);
    return acct_login_code(&e->ctx, PHONE, code, accept, out);
}

static void test_A1_phone_numbers_are_validated_and_normalised(void **state)
{
    (void)state;
    char out[ACCT_PHONE_LEN + 1];
    assert_int_equal(acct_phone_normalize("+86 138-0013-8000", out), LL_OK);
    assert_string_equal(out, PHONE);
    assert_int_equal(acct_phone_normalize("008613800138000", out), LL_OK);
    assert_string_equal(out, PHONE);
    assert_int_equal(acct_phone_normalize("12800138000", out), LL_INVALID);  /* no 12x mobiles */
    assert_int_equal(acct_phone_normalize("1380013800", out), LL_INVALID);   /* 10 digits */
    assert_int_equal(acct_phone_normalize("138001380001", out), LL_INVALID); /* 12 digits */
    assert_int_equal(acct_phone_normalize("13800l38000", out), LL_INVALID);
    assert_int_equal(acct_phone_normalize("", out), LL_INVALID);
    assert_int_equal(acct_phone_normalize("+1 415 555 0100", out), LL_INVALID); /* +1 is not China */
}

static void test_A1_code_is_six_digits_and_signs_in_once(void **state)
{
    env_t *e = *state;
    acct_login_t out;
    assert_int_equal(send_code(e, PHONE), LL_OK);
    const char *code = support_last_code(e);
    assert_int_equal(strlen(code), 6);
    for (int i = 0; i < 6; i++) assert_true(code[i] >= '0' && code[i] <= '9');
    char saved[8];
    strcpy(saved, code);
    assert_int_equal(login(e, saved, 1, &out), LL_OK);
    assert_true(out.created);
    assert_non_null(out.token);
    assert_int_equal(login(e, saved, 1, &out), LL_EXPIRED); /* single use */
    assert_int_equal(count(e, "SELECT count(*) FROM users"), 1);
}

static void test_A1_code_expires_after_five_minutes(void **state)
{
    env_t *e = *state;
    acct_login_t out;
    char code[8];
    assert_int_equal(send_code(e, PHONE), LL_OK);
    strcpy(code, support_last_code(e));
    e->ctx.now += 301;
    assert_int_equal(login(e, code, 1, &out), LL_EXPIRED);
    assert_string_equal(e->ctx.err_code, "code_expired");
    assert_int_equal(count(e, "SELECT count(*) FROM users"), 0);
}

static void test_A1_five_wrong_tries_kill_the_code(void **state)
{
    env_t *e = *state;
    acct_login_t out;
    char code[8], wrong[8];
    assert_int_equal(send_code(e, PHONE), LL_OK);
    strcpy(code, support_last_code(e));
    snprintf(wrong, sizeof wrong, "%06d", (atoi(code) + 1) % 1000000);
    for (int i = 0; i < 4; i++) assert_int_equal(login(e, wrong, 1, &out), LL_INVALID);
    assert_int_equal(login(e, wrong, 1, &out), LL_LIMIT); /* the fifth wrong try */
    assert_int_equal(login(e, code, 1, &out), LL_LIMIT);  /* now even the right code is refused */
    assert_int_equal(count(e, "SELECT count(*) FROM users"), 0);
    assert_int_equal(count(e, "SELECT count(*) FROM audit_log WHERE event = 'auth.login_failed'"), 6);
}

static void test_A1_sending_is_limited_per_number(void **state)
{
    env_t *e = *state;
    assert_int_equal(send_code(e, PHONE), LL_OK);
    assert_int_equal(send_code(e, PHONE), LL_LIMIT);
    assert_true(e->ctx.retry_after > 0 && e->ctx.retry_after <= 60);
    for (int i = 1; i < 10; i++) {
        e->ctx.now += 61;
        assert_int_equal(send_code(e, PHONE), LL_OK);
    }
    e->ctx.now += 61;
    assert_int_equal(send_code(e, PHONE), LL_LIMIT); /* the eleventh today */
    e->ctx.now += 86400;
    assert_int_equal(send_code(e, PHONE), LL_OK);
}

static void test_A1_sending_is_limited_per_client_address(void **state)
{
    env_t *e = *state;
    char phone[24];
    int ok = 0;
    for (int i = 0; i < 40; i++) {
        snprintf(phone, sizeof phone, "1390000%04d", i);
        if (send_code(e, phone) == LL_OK) ok++;
    }
    assert_int_equal(ok, e->conf.sms_per_ip_hour);
    assert_string_equal(e->ctx.err_code, "rate_limited");
}

static void test_A1_gateway_failure_leaves_no_code(void **state)
{
    env_t *e = *state;
    support_sms_fail(e, 1);
    assert_int_equal(send_code(e, PHONE), LL_ERR);
    assert_int_equal(count(e, "SELECT count(*) FROM sms_codes"), 0);
}

static void test_H3_no_consent_no_account(void **state)
{
    env_t *e = *state;
    acct_login_t out;
    char code[8];
    assert_int_equal(send_code(e, PHONE), LL_OK);
    strcpy(code, support_last_code(e));
    assert_int_equal(login(e, code, 0, &out), LL_CONFLICT);
    assert_string_equal(e->ctx.err_code, "consent_required");
    assert_int_equal(login(e, code, 7, &out), LL_CONFLICT); /* a version that is not current */
    assert_int_equal(count(e, "SELECT count(*) FROM users"), 0);
    assert_int_equal(count(e, "SELECT count(*) FROM sessions"), 0);
    /* the code is still good once the person accepts */
    assert_int_equal(login(e, code, 1, &out), LL_OK);
    assert_int_equal(count(e, "SELECT count(*) FROM consents WHERE purpose = 'policy' AND granted = 1"), 1);
}

static void test_H3_major_version_asks_again_minor_does_not(void **state)
{
    env_t *e = *state;
    acct_login_t out;
    char code[8];
    send_code(e, PHONE);
    strcpy(code, support_last_code(e));
    assert_int_equal(login(e, code, 1, &out), LL_OK);
    db_exec(e->db, "INSERT INTO policy_versions VALUES (2, '1.1', 0, 1800000000, 'minor')");
    e->ctx.now += 61;
    send_code(e, PHONE);
    strcpy(code, support_last_code(e));
    assert_int_equal(login(e, code, 0, &out), LL_OK);
    db_exec(e->db, "INSERT INTO policy_versions VALUES (3, '2.0', 1, 1800000000, 'major')");
    e->ctx.now += 61;
    send_code(e, PHONE);
    strcpy(code, support_last_code(e));
    assert_int_equal(login(e, code, 0, &out), LL_CONFLICT);
    assert_int_equal(login(e, code, 3, &out), LL_OK);
}

static void signed_in(env_t *e, acct_login_t *out)
{
    char code[8];
    assert_int_equal(send_code(e, PHONE), LL_OK);
    strcpy(code, support_last_code(e));
    assert_int_equal(login(e, code, 1, out), LL_OK);
}

static void test_F4_session_expires_when_idle_and_at_its_end(void **state)
{
    env_t *e = *state;
    acct_login_t out;
    int64_t uid, sid, t0 = e->ctx.now;
    signed_in(e, &out);
    assert_int_equal(sess_authenticate(&e->ctx, out.token, &uid, &sid), LL_OK);
    assert_int_equal(uid, out.user_id);
    e->ctx.now = t0 + 15 * 86400; /* idle for more than 14 days */
    assert_int_equal(sess_authenticate(&e->ctx, out.token, &uid, &sid), LL_DENIED);
    signed_in(e, &out);
    for (int day = 10; day < 95; day += 10) { /* active every 10 days: the absolute limit still ends it */
        e->ctx.now = t0 + 15 * 86400 + day * 86400;
        int res = sess_authenticate(&e->ctx, out.token, &uid, &sid);
        assert_int_equal(res, day < 90 ? LL_OK : LL_DENIED);
    }
    assert_int_equal(sess_authenticate(&e->ctx, "not-a-token", &uid, &sid), LL_DENIED);
}

static void test_F4_sessions_are_stored_hashed_and_revocable(void **state)
{
    env_t *e = *state;
    acct_login_t a, b;
    int64_t uid, sid;
    signed_in(e, &a);
    e->ctx.now += 61;
    signed_in(e, &b);
    assert_int_equal(count(e, "SELECT count(*) FROM sessions"), 2);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db_handle(e->db), "SELECT count(*) FROM sessions WHERE token_hash = ?", -1, &st, NULL);
    sqlite3_bind_text(st, 1, a.token, -1, SQLITE_STATIC);
    sqlite3_step(st);
    assert_int_equal(sqlite3_column_int(st, 0), 0); /* the token itself is nowhere */
    sqlite3_finalize(st);
    assert_int_equal(sess_revoke(&e->ctx, a.user_id, a.session_id), LL_OK);
    assert_int_equal(sess_authenticate(&e->ctx, a.token, &uid, &sid), LL_DENIED);
    assert_int_equal(sess_authenticate(&e->ctx, b.token, &uid, &sid), LL_OK);
    assert_int_equal(sess_revoke(&e->ctx, a.user_id + 1000, b.session_id), LL_NOTFOUND); /* not theirs */
    assert_int_equal(sess_authenticate(&e->ctx, b.token, &uid, &sid), LL_OK);
}

static void test_A4_password_sign_in_needs_a_code_to_set_and_is_hashed(void **state)
{
    env_t *e = *state;
    acct_login_t out, pw;
    signed_in(e, &out);
    support_ctx_reset(e);
    assert_int_equal(acct_password_set(&e->ctx, out.user_id, "000000", "correct horse"), LL_EXPIRED);
    e->ctx.now += 61;
    assert_int_equal(acct_send_code(&e->ctx, PHONE, "password"), LL_OK);
    assert_int_equal(acct_password_set(&e->ctx, out.user_id, support_last_code(e), "short"), LL_INVALID);
    assert_int_equal(acct_password_set(&e->ctx, out.user_id, support_last_code(e), "correct horse"), LL_OK);
    assert_int_equal(count(e, "SELECT count(*) FROM users WHERE password_hash LIKE '$argon2id$%'"), 1);
    assert_int_equal(count(e, "SELECT count(*) FROM users WHERE password_hash LIKE '%correct horse%'"), 0);
    support_ctx_reset(e);
    assert_int_equal(acct_login_password(&e->ctx, PHONE, "wrong horse", 0, &pw), LL_DENIED);
    assert_int_equal(acct_login_password(&e->ctx, "13900000000", "correct horse", 0, &pw), LL_DENIED);
    assert_int_equal(acct_login_password(&e->ctx, PHONE, "correct horse", 0, &pw), LL_OK);
    assert_int_equal(pw.user_id, out.user_id);
}

static void test_profile_update_is_all_or_nothing(void **state)
{
    env_t *e = *state;
    acct_login_t out;
    acct_profile_t p;
    signed_in(e, &out);
    acct_change_t ok[] = {{"nickname", "小王"}, {"city", "北京"}};
    support_ctx_reset(e);
    assert_int_equal(acct_profile_update(&e->ctx, out.user_id, ok, 2), LL_OK);
    acct_change_t bad[] = {{"nickname", "老王"}, {"email", "not-an-email"}};
    assert_int_equal(acct_profile_update(&e->ctx, out.user_id, bad, 2), LL_INVALID);
    assert_string_equal(e->ctx.err_field, "email");
    assert_int_equal(acct_profile_get(&e->ctx, out.user_id, &p), LL_OK);
    assert_string_equal(p.nickname, "小王"); /* the valid half of the bad change was not kept */
    assert_string_equal(p.city, "北京");
    assert_string_equal(p.phone, PHONE);
}

static void test_usernames_are_unique_and_not_phone_like(void **state)
{
    env_t *e = *state;
    acct_login_t a, b;
    signed_in(e, &a);
    support_ctx_reset(e);
    assert_int_equal(acct_send_code(&e->ctx, "13900139000", "login"), LL_OK);
    assert_int_equal(acct_login_code(&e->ctx, "13900139000", support_last_code(e), 1, &b), LL_OK);
    acct_change_t name[] = {{"username", "街坊小李"}}, digits[] = {{"username", "13700137000"}};
    assert_int_equal(acct_profile_update(&e->ctx, a.user_id, name, 1), LL_OK);
    assert_int_equal(acct_profile_update(&e->ctx, b.user_id, name, 1), LL_CONFLICT);
    assert_string_equal(e->ctx.err_code, "username_taken");
    support_ctx_reset(e);
    assert_int_equal(acct_profile_update(&e->ctx, b.user_id, digits, 1), LL_INVALID);
}

static int setup(void **state)
{
    *state = support_env_new();
    return 0;
}

static int teardown(void **state)
{
    env_t *e = *state;
    audit_report_t r;
    assert_int_equal(audit_verify(e->db, e->vault, &r), 0); /* every test leaves an intact chain */
    support_env_free(e);
    return 0;
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_A1_phone_numbers_are_validated_and_normalised),
        T(test_A1_code_is_six_digits_and_signs_in_once),
        T(test_A1_code_expires_after_five_minutes),
        T(test_A1_five_wrong_tries_kill_the_code),
        T(test_A1_sending_is_limited_per_number),
        T(test_A1_sending_is_limited_per_client_address),
        T(test_A1_gateway_failure_leaves_no_code),
        T(test_H3_no_consent_no_account),
        T(test_H3_major_version_asks_again_minor_does_not),
        T(test_F4_session_expires_when_idle_and_at_its_end),
        T(test_F4_sessions_are_stored_hashed_and_revocable),
        T(test_A4_password_sign_in_needs_a_code_to_set_and_is_hashed),
        T(test_profile_update_is_all_or_nothing),
        T(test_usernames_are_unique_and_not_phone_like),
    };
    return cmocka_run_group_tests_name("account", tests, NULL, NULL);
}
