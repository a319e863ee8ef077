/*
 * idcheck.h — format checks of identity and registration numbers (C1, C7).
 *
 * Pure functions, no I/O: the 18-character resident identity number of
 * GB 11643 (region code, date of birth, ISO 7064 MOD 11-2 check character),
 * a bank card number (12–19 digits, Luhn check digit) and the 18-character
 * unified social credit code of GB 32100 (its own alphabet of 31 characters
 * and a MOD 31 check character). A number that passes is well formed, not
 * proven to belong to anyone: that is the verifier's job (verifier.h).
 */
#ifndef LL_IDCHECK_H
#define LL_IDCHECK_H
#include <stdbool.h>
#include <stdint.h>

struct region_db;

typedef enum {
    IDC_OK = 0,
    IDC_FORMAT,  /* wrong length or a character that cannot be there */
    IDC_REGION,  /* the first six digits name no division we know */
    IDC_BIRTH,   /* no such date, before 1900, or in the future */
    IDC_CHECK,   /* the check character does not match */
} idc_res_t;

typedef struct {
    int year, month, day; /* date of birth */
    bool female;          /* the 17th digit is even */
} idc_person_t;

/* The MOD 11-2 check character ('0'..'9' or 'X') of 17 digits. */
char idc_id_check_char(const char *digits17);
/*
 * Checks an ID number at time now (unix seconds, the date taken in Beijing).
 * regions NULL skips the region check. On IDC_OK, *out (if not NULL) is filled.
 */
idc_res_t idc_id_number(const struct region_db *regions, const char *s, int64_t now, idc_person_t *out);
/* Age in whole years on the Beijing date of now. */
int idc_age(const idc_person_t *p, int64_t now);

/* The Luhn check digit for the digits of payload (without the check digit). */
char idc_luhn_digit(const char *payload);
/* 12–19 ASCII digits whose last one is the Luhn check digit. */
idc_res_t idc_bank_card(const char *s);

/* The GB 32100 check character of the first 17 characters, or 0 if one is outside the alphabet. */
char idc_uscc_check_char(const char *first17);
/* 18 characters of the alphabet (upper case), digits 3–8 a number, and a matching check character. */
idc_res_t idc_uscc(const char *s);

#endif
