/*
 * fuzz/multipart.c — libFuzzer driver for the multipart/form-data parser (src/http/multipart.c).
 *
 * The input is "CONTENT-TYPE\nBODY"; without a line break the Content-Type is a fixed
 * multipart/form-data one with boundary XyZ and the whole input is the body. The body is
 * copied to a heap block of exactly its size, so any read past its end is an ASan report.
 * Promises checked (multipart.h):
 *   - the result is one of the four documented values;
 *   - on failure no part is handed back (n == 0);
 *   - on success there are 1 to MULTIPART_MAX_PARTS parts, in body order, not overlapping,
 *     each inside the body, each with a non-empty NUL-terminated name of at most
 *     MULTIPART_MAX_NAME bytes; the body starts with "--" boundary and ends with the close
 *     delimiter, optionally followed by one CRLF;
 *   - each part's data is followed in the body by CRLF "--" boundary.
 */
#include "fuzz.h"
#include "http/multipart.h"
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char ct[512] = "multipart/form-data; boundary=XyZ";
    const uint8_t *body_in = data;
    size_t blen = size;
    const uint8_t *nl = memchr(data, '\n', size < sizeof ct ? size : sizeof ct);
    if (nl) {
        memcpy(ct, data, (size_t)(nl - data));
        ct[nl - data] = '\0';
        body_in = nl + 1;
        blen = size - (size_t)(nl + 1 - data);
    }
    unsigned char *body = malloc(blen ? blen : 1);
    if (blen) memcpy(body, body_in, blen);

    multipart_t m;
    int rc = multipart_parse(ct, body, blen, &m);
    FUZZ_CHECK(rc == MULTIPART_OK || rc == MULTIPART_ERR_TYPE || rc == MULTIPART_ERR_MALFORMED ||
                   rc == MULTIPART_ERR_LIMIT,
               "result %d", rc);
    if (rc != MULTIPART_OK) {
        FUZZ_CHECK(m.n == 0, "failure %d handed back %zu parts", rc, m.n);
    } else {
        char b[MULTIPART_MAX_BOUNDARY + 1];
        FUZZ_CHECK(multipart_boundary(ct, b) == MULTIPART_OK, "parsed with a refused boundary");
        size_t bl = strlen(b);
        FUZZ_CHECK(m.n >= 1 && m.n <= MULTIPART_MAX_PARTS, "%zu parts", m.n);
        FUZZ_CHECK(blen >= bl + 4 && body[0] == '-' && body[1] == '-' && !memcmp(body + 2, b, bl),
                   "body does not open with the boundary");
        const unsigned char *prev_end = body;
        for (size_t i = 0; i < m.n; i++) {
            const multipart_part_t *p = &m.parts[i];
            size_t nl_name = strnlen(p->name, sizeof p->name);
            FUZZ_CHECK(nl_name >= 1 && nl_name <= MULTIPART_MAX_NAME, "part %zu name length %zu", i,
                       nl_name);
            FUZZ_CHECK(p->data >= prev_end && p->data + p->len <= body + blen,
                       "part %zu outside the body or out of order", i);
            const unsigned char *after = p->data + p->len;
            FUZZ_CHECK((size_t)(body + blen - after) >= 4 + bl && !memcmp(after, "\r\n--", 4) &&
                           !memcmp(after + 4, b, bl),
                       "part %zu not followed by its delimiter", i);
            prev_end = after;
        }
        size_t tail = (size_t)(body + blen - prev_end);
        FUZZ_CHECK((tail == 6 + bl && !memcmp(prev_end + 4 + bl, "--", 2)) ||
                       (tail == 8 + bl && !memcmp(prev_end + 4 + bl, "--\r\n", 4)),
                   "the body does not end with the close delimiter");
    }
    free(body);
    return 0;
}
