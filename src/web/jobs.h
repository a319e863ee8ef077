/*
 * jobs.h — the job-seeking pages (C1, C6, C7, C11, E5, H3, B13): resumes,
 * applications on both sides, real-name verification, employers'
 * organisations, and the staff console's organisation review, reports and
 * policy publishing. Plain forms; every handler calls the same domain
 * function its JSON twin does, so the page and the API agree on access,
 * masking and audit.
 */
#ifndef LL_WEB_JOBS_H
#define LL_WEB_JOBS_H
#include "http/http.h"
#include <jansson.h>

struct listing;

/* Adds the apply form (or the applications link, for the poster) to a job's detail page context. */
void web_jobs_listing_ctx(req_t *r, const struct listing *l, json_t *ctx);
/* The Chinese name of an application state (submitted, viewed, interview, rejected, withdrawn). */
const char *web_app_state_text(const char *status);

/* 我的简历 (jobs_page.c) */
int web_resume_list(req_t *r);
int web_resume_new(req_t *r);
int web_resume_create(req_t *r);
int web_resume_edit(req_t *r);
int web_resume_update(req_t *r);
int web_resume_delete(req_t *r);
/* applying and the seeker's applications (jobs_page.c) */
int web_apply(req_t *r);
int web_my_applications(req_t *r);
int web_app_withdraw(req_t *r);
int web_app_answer(req_t *r);
/* the employer's side (jobs_page.c) */
int web_hiring(req_t *r);
int web_hiring_listing(req_t *r);
int web_app_mark(req_t *r);
int web_app_propose(req_t *r);
/* 实名认证 (verify_page.c) */
int web_verify(req_t *r);
int web_verify_submit(req_t *r);
int web_verify_withdraw(req_t *r);
/* 企业认证 (org_page.c) */
int web_org(req_t *r);
int web_org_submit(req_t *r);
int web_org_licence(req_t *r);
/* the staff console's additions (console_page.c) */
int web_staff_orgs(req_t *r);
int web_staff_org_read(req_t *r);
int web_staff_org_decide(req_t *r);
int web_staff_reports(req_t *r);
int web_staff_policy(req_t *r);
int web_staff_policy_publish(req_t *r);

#endif
