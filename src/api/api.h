/*
 * api.h — the JSON API under /api/v1: the route table and its handlers.
 * Handlers check input (http_input), call the domain, shape the output;
 * they never touch SQL or keys.
 */
#ifndef LL_API_H
#define LL_API_H
#include "http/http.h"
#include "http/multipart.h"

extern const route_t api_routes[];
extern const size_t api_nroutes;

int api_healthz(req_t *r);
int api_policy_current(req_t *r);
int api_policy_versions(req_t *r);
int api_auth_sms_code(req_t *r);
int api_auth_login(req_t *r);
int api_auth_logout(req_t *r);
int api_me_get(req_t *r);
int api_me_patch(req_t *r);
int api_me_password(req_t *r);
int api_me_sessions(req_t *r);
int api_me_session_delete(req_t *r);
int api_me_listings(req_t *r);
int api_me_data(req_t *r);
int api_me_export(req_t *r);
int api_me_consents(req_t *r);
int api_me_consents_put(req_t *r);
int api_me_cancel(req_t *r);
int api_recommendations(req_t *r);
int api_me_reads(req_t *r);
int api_admin_policy_publish(req_t *r);
int api_me_policy_accept(req_t *r);
int api_stats(req_t *r);
int api_me_history(req_t *r);
int api_me_history_clear(req_t *r);
int api_categories(req_t *r);
int api_regions(req_t *r);
int api_listing_create(req_t *r);
int api_listing_get(req_t *r);
int api_listing_patch(req_t *r);
int api_listing_delete(req_t *r);
int api_listing_renew(req_t *r);
int api_listing_contact(req_t *r);
int api_listing_report(req_t *r);
int api_search(req_t *r);
int api_admin_queue(req_t *r);
int api_admin_listing(req_t *r);
int api_admin_approve(req_t *r);
int api_admin_reject(req_t *r);
int api_admin_blocklist(req_t *r);
int api_admin_block_add(req_t *r);
int api_admin_block_delete(req_t *r);
int api_photo_add(req_t *r);
int api_photo_delete(req_t *r);
int api_photo_file(req_t *r);
int api_admin_disclosure(req_t *r);
int api_admin_partner_add(req_t *r);
int api_admin_partners(req_t *r);
int api_me_shares(req_t *r);
int api_me_guardian(req_t *r);
int api_me_guardian_confirm(req_t *r);
int api_me_messages(req_t *r);
int api_me_message_read(req_t *r);
int api_admin_incident(req_t *r);
int api_chat_open(req_t *r);
int api_chat_list(req_t *r);
int api_chat_get(req_t *r);
int api_chat_messages(req_t *r);
int api_chat_send(req_t *r);
int api_chat_voice_add(req_t *r);
int api_chat_voice_get(req_t *r);
int api_chat_read(req_t *r);
int api_chat_block(req_t *r);
int api_chat_unblock(req_t *r);
int api_chat_report(req_t *r);
int api_admin_chat_reports(req_t *r);
int api_admin_chat_report(req_t *r);
int api_ticket_open(req_t *r);
int api_ticket_mine(req_t *r);
int api_ticket_get(req_t *r);
int api_ticket_reply(req_t *r);
int api_ticket_photo_add(req_t *r);
int api_ticket_photo(req_t *r);
int api_ticket_close(req_t *r);
int api_admin_tickets(req_t *r);
int api_admin_ticket(req_t *r);
int api_admin_ticket_reply(req_t *r);
int api_admin_ticket_photo(req_t *r);
int api_admin_ticket_close(req_t *r);
int api_me_invite(req_t *r);
int api_me_invitation(req_t *r);
int api_gifts(req_t *r);
int api_membership_plans(req_t *r);
int api_me_membership(req_t *r);
int api_me_membership_buy(req_t *r);
int api_me_membership_cancel(req_t *r);
int api_gift_claim(req_t *r);
int api_gift_claims(req_t *r);
int api_admin_campaign(req_t *r);

int api_merchant_apply(req_t *r);
int api_me_merchant(req_t *r);
int api_admin_merchants(req_t *r);
int api_admin_merchant(req_t *r);
int api_admin_merchant_approve(req_t *r);
int api_admin_merchant_reject(req_t *r);
int api_service_create(req_t *r);
int api_service_get(req_t *r);
int api_services(req_t *r);
int api_order_create(req_t *r);
int api_order_get(req_t *r);
int api_order_accept(req_t *r);
int api_order_start(req_t *r);
int api_order_complete(req_t *r);
int api_order_cancel(req_t *r);
int api_order_dispute(req_t *r);
int api_me_orders(req_t *r);
int api_order_pay(req_t *r);
int api_pay_sandbox_callback(req_t *r);
int api_pay_http_callback(req_t *r);
int api_order_review(req_t *r);
int api_order_review_get(req_t *r);
int api_order_review_photo(req_t *r);
int api_review_reply(req_t *r);
int api_service_reviews(req_t *r);
int api_review_photo(req_t *r);
int api_sandbox_page(req_t *r);
/* disputes (E6): support staff settle them */
int api_staff_disputes(req_t *r);
int api_staff_order_resolve(req_t *r);
int api_service_patch(req_t *r);
int api_review_patch(req_t *r);
int api_review_delete(req_t *r);
int api_sandbox_confirm(req_t *r);
int api_merchant_orders(req_t *r);
/* {"code","name"} of a division code, or null. */
json_t *api_region_ref(req_t *r, int64_t code);
int api_me_verification_post(req_t *r);
int api_me_verification_get(req_t *r);
int api_me_verification_face(req_t *r);
int api_org_create(req_t *r);
int api_me_organization(req_t *r);
int api_org_licence(req_t *r);
int api_admin_orgs(req_t *r);
int api_admin_org(req_t *r);
int api_admin_org_licence(req_t *r);
int api_admin_org_approve(req_t *r);
int api_admin_org_reject(req_t *r);
int api_resume_create(req_t *r);
int api_resume_get(req_t *r);
int api_resume_patch(req_t *r);
int api_resume_delete(req_t *r);
int api_me_resumes(req_t *r);
int api_resume_search(req_t *r);
int api_application_create(req_t *r);
int api_listing_applications(req_t *r);
int api_me_applications(req_t *r);
int api_application_patch(req_t *r);
int api_application_withdraw(req_t *r);
int api_interview_propose(req_t *r);
int api_interview_accept(req_t *r);
int api_interview_decline(req_t *r);
int api_interview_ics(req_t *r);

/* Listing JSON shared by the listing, search and admin handlers. */
struct listing;
/* The one part named field of a multipart upload; NULL when the response (4xx) is already sent. */
const multipart_part_t *api_one_part(req_t *r, const char *field, multipart_t *mp);
json_t *api_listing_summary(req_t *r, const struct listing *l, const char *photo);

/* ISO 8601 UTC time in the request's arena. */
const char *api_time(req_t *r, int64_t t);

#endif
