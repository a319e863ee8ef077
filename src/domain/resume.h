/*
 * resume.h — job seekers' resumes (C6, E5).
 *
 * The owner decides who may read a resume (visibility):
 *   applied — only employers it was sent to, while the application stands (default);
 *   public  — also every employer with an approved organisation, who can find it
 *             in the resume search;
 *   hidden  — nobody but the owner, applications included.
 * A change takes effect on the next request: every read checks it.
 *
 * Any other read answers 404, whether the resume exists or not, and writes a
 * "resume.access_denied" entry to the security audit log. Reads by an
 * employer are audited ("resume.read"); a public resume read by an employer
 * it was not sent to is recorded as a share (E1) the first time.
 *
 * Contact and history fields are sealed with the owner's key. The search
 * works on a declared coarse projection kept in clear — expected position,
 * city code, years of experience — which names no one (docs/decisions.md).
 */
#ifndef LL_RESUME_H
#define LL_RESUME_H
#include "base/ctx.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Input of a create or change; NULL / has_ false = not given; clear_ = set to empty (optional fields). */
typedef struct {
    const char *name, *phone, *email, *education, *experience, *salary, *position, *visibility;
    bool has_city, has_years, clear_email, clear_education, clear_experience, clear_salary;
    int64_t city;
    int years;
} resume_in_t;

typedef struct {
    int64_t id, user_id, city, created_at, updated_at;
    int years;
    const char *visibility, *position;
    const char *name, *phone, *email, *education, *experience, *salary; /* opened; NULL in search results */
    bool own;
} resume_t;

int resume_create(ctx_t *c, const resume_in_t *in, int64_t *id);
/* The resume if the caller may read it (rules above); else LL_NOTFOUND and an audit entry. */
int resume_get(ctx_t *c, int64_t id, resume_t *out);
int resume_update(ctx_t *c, int64_t id, const resume_in_t *in);
int resume_delete(ctx_t *c, int64_t id);
/* The caller's resumes, newest first (no sealed field opened). */
int resume_mine(ctx_t *c, resume_t **items, size_t *n);
/*
 * Public resumes for an approved employer (else LL_DENIED employer_review_required):
 * q in the expected position, city (0: any), at least min_years; newest first, at most 50.
 */
int resume_search(ctx_t *c, const char *q, int64_t city, int min_years, resume_t **items, size_t *n);
/* The resume search's SQL, with or without a city (for the query-plan test). */
const char *resume_search_sql(bool by_city);
/* Records a denied read of resume id by the caller (404 path): audit entry naming the owner if any. */
int resume_deny(ctx_t *c, int64_t id);
/* The declared fields of a resume, as a JSON array for share_record (caller decrefs). */
struct json_t;
struct json_t *resume_share_fields(void);

#endif
