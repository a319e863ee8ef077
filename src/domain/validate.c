/* validate.c — format checks (see validate.h). */
#include "domain/validate.h"
#include "domain/account.h"
#include <ctype.h>
#include <string.h>

size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80) n++;
    return n;
}

bool has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f) return true;
    return false;
}

bool valid_email(const char *s)
{
    const char *at = strchr(s, '@');
    size_t n = strlen(s);
    return n <= 100 && at && at != s && !strchr(at + 1, '@') && strchr(at + 1, '.') && at[1] != '.' &&
           s[n - 1] != '.' && !strpbrk(s, " <>\"'(),;:[]\\") && !has_control(s);
}

bool valid_id_number(const char *s)
{
    static const int weight[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static const char check[] = "10X98765432";
    if (strlen(s) != 18) return false;
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        if (!isdigit((unsigned char)s[i])) return false;
        sum += (s[i] - '0') * weight[i];
    }
    return toupper((unsigned char)s[17]) == check[sum % 11];
}

bool valid_plate(const char *s)
{
    static const char *const provinces[] = {"京", "津", "沪", "渝", "冀", "豫", "云", "辽", "黑", "湘", "皖", "鲁",
                                            "新", "苏", "浙", "赣", "鄂", "桂", "甘", "晋", "蒙", "陕", "吉", "闽",
                                            "贵", "粤", "青", "藏", "川", "宁", "琼"};
    for (size_t i = 0; i < sizeof provinces / sizeof provinces[0]; i++) {
        size_t k = strlen(provinces[i]);
        if (strncmp(s, provinces[i], k)) continue;
        const char *p = s + k;
        if (*p == '-' || *p == ' ') p++;
        if (!isupper((unsigned char)*p)) return false;
        p++;
        if (*p == '\xc2' && p[1] == '\xb7') p += 2; /* an optional middle dot */
        size_t n = strlen(p);
        if (n != 5 && n != 6) return false;
        for (size_t j = 0; j < n; j++)
            if (!isdigit((unsigned char)p[j]) && !isupper((unsigned char)p[j])) return false;
        return true;
    }
    return false;
}

bool valid_contact_phone(const char *s)
{
    char mobile[ACCT_PHONE_LEN + 1];
    if (acct_phone_normalize(s, mobile) == 0) return true;
    size_t n = strlen(s), digits = 0;
    if (s[0] != '0' || n < 10 || n > 13) return false;
    for (size_t i = 0; i < n; i++) {
        if (isdigit((unsigned char)s[i])) digits++;
        else if (s[i] != '-') return false;
    }
    return digits >= 10 && digits <= 12;
}

const reason_t *reason_find(const reason_t *list, const char *code)
{
    for (const reason_t *r = list; code && r->code; r++)
        if (!strcmp(r->code, code)) return r;
    return NULL;
}
