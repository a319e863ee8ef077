/*
 * validate.h — format checks shared by the domain: e-mail, Chinese ID-card
 * numbers (GB 11643), licence plates, phone numbers people post as contacts.
 */
#ifndef LL_VALIDATE_H
#define LL_VALIDATE_H
#include <stdbool.h>
#include <stddef.h>

bool valid_email(const char *s);
/* 18 characters: 17 digits and the ISO 7064 MOD 11-2 check character (0-9 or X). */
bool valid_id_number(const char *s);
/* A mainland plate: province character, letter, 5 or 6 letters/digits (new-energy plates have 6). */
bool valid_plate(const char *s);
/* A contact number: a mainland mobile, or a landline like 010-12345678. */
bool valid_contact_phone(const char *s);
/* Characters (code points) in a UTF-8 string. */
size_t utf8_chars(const char *s);
/* True if the string holds a control character. */
bool has_control(const char *s);

/* A staff decision's reason: a code from a fixed list, and the Chinese text shown for it. */
typedef struct {
    const char *code, *text;
} reason_t;
/* The entry of list (ended by {NULL, NULL}) with this code; NULL for an unknown code or NULL. */
const reason_t *reason_find(const reason_t *list, const char *code);

#endif
