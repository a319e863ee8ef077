/*
 * test_redact.c — contact details in chat text are masked for the recipient
 * (C10): mobile and landline numbers in the ways people write them, e-mail
 * addresses, WeChat and QQ ids after their keywords; prices, dates and plain
 * text pass unchanged.
 */
#include "support.h"
#include "privacy/redact.h"
#include <string.h>

static void expect(const char *in, const char *want, int hits)
{
    arena_t *a = arena_new(1024);
    int found = -1;
    char *got = redact_contacts(a, in, &found);
    if (strcmp(got, want)) fail_msg("redact(\"%s\") = \"%s\", want \"%s\"", in, got, want);
    assert_int_equal(found, hits);
    arena_free(a);
}

static void test_C10_mobile_numbers_are_masked_however_written(void **state)
{
    (void)state;
    expect("电话13800138000", "电话138****8000", 1);
    expect("打 138 0013 8000 找我", "打 138****8000 找我", 1);
    expect("+86-138-0013-8000", "+138****8000", 1);
    expect("８６１３８００１３８０００", "138****8000", 1);
    expect("１３８００１３８０００吧", "138****8000吧", 1);
    expect("tel13800138000", "tel138****8000", 1);
}

static void test_C10_landlines_ids_and_long_numbers_are_masked(void **state)
{
    (void)state;
    expect("座机010-12345678", "座机010****5678", 1);
    expect("0755 8888 6666", "075****6666", 1);
    expect("身份证11010519491231002X", "身份证11****2X", 1);
    expect("号码 88886666", "号码 88****66", 1);
}

static void test_C10_email_wechat_and_qq_are_masked(void **state)
{
    (void)state;
    expect("发到 zhang.san@example.com.cn 吧", "发到 z***@example.com.cn 吧", 1);
    expect("加我微信：zhangsan_88", "加我微信：zh****", 1);
    expect("x@13800138000.com", "x***@138****8000.com", 2); /* a number hidden in the domain (found by fuzzing) */
    expect("vx号 abc12345 备注", "vx号 ab**** 备注", 1);
    expect("WeChat: Linli-2024", "WeChat: Li****", 1);
    expect("QQ 12345678", "QQ 12****", 1);
    expect("扣扣是998877", "扣扣是99****", 1);
}

static void test_C10_ordinary_text_prices_and_dates_pass_unchanged(void **state)
{
    (void)state;
    expect("你好，房子还在吗？月租2500元，押一付三。", "你好，房子还在吗？月租2500元，押一付三。", 0);
    expect("2024-05-01 下午3点看房", "2024-05-01 下午3点看房", 0);
    expect("wxyz abc@ def", "wxyz abc@ def", 0);
    expect("微信聊", "微信聊", 0);
    expect("", "", 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_C10_mobile_numbers_are_masked_however_written),
        cmocka_unit_test(test_C10_landlines_ids_and_long_numbers_are_masked),
        cmocka_unit_test(test_C10_email_wechat_and_qq_are_masked),
        cmocka_unit_test(test_C10_ordinary_text_prices_and_dates_pass_unchanged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
