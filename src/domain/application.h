/*
 * application.h — sending a resume to a job (E5) and what follows: the
 * employer's marks, the seeker's withdrawal, an interview and its calendar
 * file (C11).
 *
 * Applying shares that resume with the job's poster only, recorded as a
 * share (E1). The employer reads it while the application stands and the
 * resume is not hidden (resume.h); after a withdrawal the application shows
 * only its state. Someone else's application or job answers 404.
 *
 * States: submitted → viewed → interview → rejected, any of them →
 * withdrawn (by the seeker). An interview is proposed by the employer and
 * accepted or declined by the seeker; only an accepted one gives an .ics.
 */
#ifndef LL_APPLICATION_H
#define LL_APPLICATION_H
#include "base/ctx.h"
#include "domain/resume.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    int64_t id, listing_id, resume_id, user_id, created_at, updated_at;
    const char *status, *listing_title;
    bool has_interview;
    int64_t starts_at;
    int minutes;
    const char *place, *note, *interview_status;
    bool has_resume; /* employer's view: the resume may be read */
    resume_t resume;
} app_t;

int app_apply(ctx_t *c, int64_t listing_id, int64_t resume_id, int64_t *id);
/* The applications to the caller's job listing_id, newest first; resumes opened where readable (audited). */
int app_for_listing(ctx_t *c, int64_t listing_id, app_t **items, size_t *n);
/* The caller's own applications, newest first. */
int app_mine(ctx_t *c, app_t **items, size_t *n);
/* Employer: viewed, interview or rejected. */
int app_mark(ctx_t *c, int64_t id, const char *status);
/* Seeker: withdraws; the employer can no longer read the resume through it. */
int app_withdraw(ctx_t *c, int64_t id);
/* Employer: proposes (or moves) an interview; starts_at in the future, 10–480 minutes. */
int app_interview_propose(ctx_t *c, int64_t id, int64_t starts_at, int minutes, const char *place, const char *note);
/* Seeker: accepts or declines the proposal. */
int app_interview_answer(ctx_t *c, int64_t id, bool accept);
/* Seeker or employer: the accepted interview as an iCalendar text. */
int app_interview_ics(ctx_t *c, int64_t id, const char **ics);

#endif
