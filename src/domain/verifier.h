/*
 * verifier.h — the identity verifier interface (C1).
 *
 * The platform checks formats itself (idcheck.h); whether a name and an ID
 * number belong together, and to the person holding the phone, only an
 * authorised provider can say. Two implementations behave alike for the
 * caller:
 *   local — the embedded default: every well-formed identity matches, or,
 *           with verify_known_file set, only the (name, ID number[, card])
 *           lines of that file do (tests and demonstrations);
 *   http  — POSTs the identity as JSON to a provider (libcurl, like the SMS
 *           gateway) and reads {"match": true|false}.
 * A face check is part of the interface; without a provider that does one it
 * answers IDV_UNAVAILABLE and nothing is pretended. Thread-safe; immutable
 * after creation.
 */
#ifndef LL_VERIFIER_H
#define LL_VERIFIER_H
#include <stddef.h>

typedef enum {
    IDV_MATCH = 0,
    IDV_MISMATCH = 1,    /* the provider says these do not belong together */
    IDV_UNAVAILABLE = 2, /* no answer (no provider, network, provider error): nothing is decided */
} idv_verdict_t;

typedef struct {
    const char *name, *id_number;
    const char *bank_card; /* NULL when not given */
    const char *phone;     /* the account's verified phone; NULL when unknown */
} idv_person_t;

typedef struct verifier verifier_t;
struct verifier {
    const char *method; /* recorded with the result: "local_format", "local_list" or "provider" */
    const char *host;   /* the provider's host (published as a recipient, E7), NULL for local */
    idv_verdict_t (*identity)(verifier_t *v, const idv_person_t *p);
    /* image: a JPEG of the person's face; compares it with the ID photo on record at the provider */
    idv_verdict_t (*face)(verifier_t *v, const idv_person_t *p, const void *image, size_t len);
    void (*free)(verifier_t *v);
};

/* known_file "" or NULL: format only. NULL with a message in err if the file cannot be read or is malformed. */
verifier_t *verifier_local_new(const char *known_file, char *err, size_t errlen);
/* face_url "" or NULL: face checks are unavailable. NULL if url is not http(s). */
verifier_t *verifier_http_new(const char *url, const char *token, const char *face_url);

#endif
