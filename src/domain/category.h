/*
 * category.h — the six categories of information and their fields (B1–B7),
 * declared once in category.c and used by validation, storage, search
 * filters, the API (/api/v1/categories) and the posting form.
 *
 * A public field is stored in the listing's `attrs` JSON; a private field
 * (contact e-mail, address, plate, the owner's real-name data) is stored in
 * its own sealed column and names the PI declaration of that column.
 */
#ifndef LL_CATEGORY_H
#define LL_CATEGORY_H
#include "base/ctx.h"
#include "privacy/pi.h"
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

typedef enum { CF_TEXT, CF_INT, CF_ENUM } cat_ftype_t;

typedef enum {
    CF_SHOW_PUBLIC,  /* shown to everyone (attrs) */
    CF_SHOW_MASKED,  /* shown masked; in full through the contact endpoint */
    CF_SHOW_CONTACT, /* only through the contact endpoint, to signed-in people */
    CF_SHOW_STAFF,   /* never shown; staff verifying the listing only (B4) */
} cat_show_t;

typedef enum { CF_FMT_NONE, CF_FMT_EMAIL, CF_FMT_ID_NUMBER, CF_FMT_PLATE } cat_format_t;

typedef struct {
    const char *name, *label;
    cat_ftype_t type;
    bool required;
    long min, max;               /* text: characters; int: value */
    const char *const *options;  /* CF_ENUM: NULL-terminated */
    const char *unit;
    bool filter;                 /* may be used as a search filter */
    cat_show_t show;
    int pi;                      /* private fields: the pi_id_t of their column; -1 for public */
    cat_format_t format;
} cat_field_t;

typedef struct {
    const char *slug, *name;
} cat_sub_t;

typedef struct {
    const char *slug, *name, *price_label;
    const cat_sub_t *subs;
    size_t nsubs;
    const cat_field_t *fields;
    size_t nfields;
    bool adults_only; /* H1: no dating for minors */
} category_t;

extern const category_t cat_all[];
extern const size_t cat_count;

const category_t *cat_find(const char *slug);
const cat_sub_t *cat_sub_find(const category_t *cat, const char *slug);
const cat_field_t *cat_field_find(const category_t *cat, const char *name);

/* The values of one listing's fields, checked. */
typedef struct {
    json_t *attrs;                     /* public fields (owned: json_decref) */
    const char *priv[PI__COUNT];       /* private fields by their PI column, or NULL */
} cat_values_t;

/*
 * Checks a "fields" object against the category: unknown names, types,
 * required fields, ranges, options and formats. On LL_INVALID c->err_field
 * is "fields.NAME". On success the caller owns v->attrs.
 */
int cat_validate(ctx_t *c, const category_t *cat, json_t *fields, cat_values_t *v);
/* The declaration of every category, for /api/v1/categories and the forms. */
json_t *cat_json(void);

#endif
