/*
 * multipart.h — a strict multipart/form-data parser (RFC 7578 over RFC 2046) for a body that
 * is already complete in memory (R_UPLOAD routes).
 *
 * Strict on purpose: what browsers and curl send parses, anything else is refused rather than
 * guessed at. The body must start with the first delimiter (no preamble) and end with the
 * close delimiter, optionally followed by one CRLF (no epilogue). Every part needs a
 * Content-Disposition of form-data with a name; other part headers are checked for syntax and
 * ignored (the photo's type is decided by its bytes, never by a declared type).
 *
 * Invariants: the parser reads only body[0, len) and never relies on a NUL terminator; parts
 * point into the body (no copy) and live as long as it does; names are copied, unescaped.
 * Client file names are not kept, only whether one was given: they are sometimes personal
 * ("张三身份证.jpg") and never needed.
 */
#ifndef LL_MULTIPART_H
#define LL_MULTIPART_H
#include <stdbool.h>
#include <stddef.h>

#define MULTIPART_MAX_PARTS    8
#define MULTIPART_MAX_LINE     1024 /* bytes of one part header line, CRLF excluded */
#define MULTIPART_MAX_HEADERS  8    /* header lines of one part */
#define MULTIPART_MAX_BOUNDARY 70   /* RFC 2046 */
#define MULTIPART_MAX_NAME     100  /* bytes of a part's name */

/* Results; they do not collide with ll_res_t or photo_res_t. */
typedef enum {
    MULTIPART_OK = 0,
    MULTIPART_ERR_TYPE = -50,      /* not multipart/form-data: 415 */
    MULTIPART_ERR_MALFORMED = -51, /* bad boundary or syntax, truncated, no final boundary: 400 */
    MULTIPART_ERR_LIMIT = -52,     /* too many parts or headers, a line or name too long: 400 */
} multipart_res_t;

typedef struct multipart_part {
    char name[MULTIPART_MAX_NAME + 1];
    bool is_file;              /* a filename parameter was given */
    const unsigned char *data; /* into the body */
    size_t len;
} multipart_part_t;

typedef struct multipart {
    multipart_part_t parts[MULTIPART_MAX_PARTS];
    size_t n;
} multipart_t;

/* The boundary of a multipart/form-data Content-Type, into out[MULTIPART_MAX_BOUNDARY + 1]. */
int multipart_boundary(const char *content_type, char *out);
/* Parses body[0, len) sent with content_type into *m (zeroed first). */
int multipart_parse(const char *content_type, const void *body, size_t len, multipart_t *m);
/* The first part called name, or NULL. */
const multipart_part_t *multipart_find(const multipart_t *m, const char *name);
/* How many parts are called name. */
size_t multipart_count(const multipart_t *m, const char *name);

#endif
