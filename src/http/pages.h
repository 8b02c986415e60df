/* pages.h: the route handlers of every feature, for the route table
 *
 * Each feature folder implements its own handlers; this header only lists
 * them so routes.c can hold the one table the router enforces.
 */
#ifndef FZ_PAGES_H
#define FZ_PAGES_H

struct req;

/* http/core_pages.c */
int page_healthz(struct req *r);
int page_metrics(struct req *r);
int page_lang(struct req *r);
/* GET /favicon.ico, which browsers ask for whatever a page names. */
int page_favicon(struct req *r);

/* auth/pages.c */
int page_home(struct req *r);
int page_login_form(struct req *r);
int page_login(struct req *r);
int page_logout(struct req *r);
int page_password_form(struct req *r);
int page_password(struct req *r);
int page_account(struct req *r);
int page_token_create(struct req *r);
int page_token_revoke(struct req *r);
int api_me(struct req *r);

/* org/users_page.c, user_page.c, departments_page.c, users_api.c */
int page_users(struct req *r);
int page_user_new(struct req *r);
int page_user_create(struct req *r);
int page_user(struct req *r);
int page_user_update(struct req *r);
int page_user_action(struct req *r);   /* disable, enable, reset, kill */
int page_user_roles(struct req *r);
int page_departments(struct req *r);
int page_department_create(struct req *r);
int page_department_update(struct req *r);
int api_users(struct req *r);
int api_user_create(struct req *r);
int api_departments(struct req *r);

/* auth/policy_page.c */
int page_policy(struct req *r);
int page_policy_update(struct req *r);

/* audit/page.c */
int page_audit(struct req *r);
int page_audit_export(struct req *r);
int api_audit(struct req *r);

/* portal/portal_pages.c, portal_item.c, portal_feeds.c: the public portal
 * (政府信息公开); portal_root serves "/" to visitors and staff alike */
int portal_root(struct req *r);
int portal_home(struct req *r);
int portal_gk(struct req *r);
int portal_category(struct req *r);
int portal_item(struct req *r);
int portal_file(struct req *r);
int portal_rss(struct req *r);
int portal_atom(struct req *r);
int portal_sitemap(struct req *r);
int portal_sitemap_part(struct req *r);
int portal_robots(struct req *r);

/* portal/staff_pages.c, staff_item.c, staff_admin.c, staff_api.c,
 * feeds_out.c: publications — drafting, review, approval, and the
 * outbound channels' feeds */
int page_publications(struct req *r);
int page_publication_new(struct req *r);
int page_publication_create(struct req *r);
int page_publication(struct req *r);
int page_publication_act(struct req *r);
int page_publication_resolve(struct req *r);
int page_publication_file(struct req *r);
int page_pub_catalogue(struct req *r);
int page_pub_category_create(struct req *r);
int page_pub_category_update(struct req *r);
int page_pub_settings(struct req *r);
int page_pub_settings_update(struct req *r);
int page_pub_terms_update(struct req *r);
int page_channel_feed(struct req *r);
int api_publications(struct req *r);
int api_publication_create(struct req *r);
int api_publication(struct req *r);
int api_publication_act(struct req *r);
int api_publication_resolve(struct req *r);

/* portal/search_page.c: the portal's search (信息检索) */
int portal_search(struct req *r);

/* ogi/ysq_pages.c: applications for disclosure online (依申请公开); the
 * staff side is the petitions desk's (/petitions?procedure=disclosure) */
int page_ysq_new(struct req *r);
int page_ysq_submit(struct req *r);
int page_ysq_done(struct req *r);
int page_ysq_query_form(struct req *r);
int page_ysq_query(struct req *r);
int page_ysq_file(struct req *r);

/* ogi/report_page.c: the annual report on government information
 * disclosure (政府信息公开工作年度报告) */
int page_ogi_report(struct req *r);
int page_ogi_report_xlsx(struct req *r);
int page_ogi_report_cases(struct req *r);
int page_ogi_report_inputs(struct req *r);
int page_ogi_report_inputs_save(struct req *r);
int page_ogi_report_settings(struct req *r);
int page_ogi_report_settings_save(struct req *r);
int page_ogi_report_draft(struct req *r);

/* petition/desk_pages.c, register_page.c, case_page.c, public_pages.c,
 * cases_api.c, openapi.c: the petitions and hotline desk */
int page_petitions(struct req *r);
int page_petition_new(struct req *r);
int page_petition_create(struct req *r);
int page_petition_case(struct req *r);
int page_petition_act(struct req *r);
int page_petition_unmask(struct req *r);
int page_petition_file(struct req *r);
int page_public_new(struct req *r);
int page_public_submit(struct req *r);
int page_public_done(struct req *r);
int page_public_query_form(struct req *r);
int page_public_query(struct req *r);
int page_public_rate(struct req *r);
int api_cases(struct req *r);
int api_case(struct req *r);
int api_case_create(struct req *r);
int api_case_act(struct req *r);

/* attach/api.c */
int api_attachments_create(struct req *r);
int api_openapi(struct req *r);
/* The home page's "我的待办": due-soon and overdue cases, 督办 reminders. */
void petition_tasks_render(struct req *r);

/* report/stats_page.c, stats_export.c: the desk's statistics */
int page_case_stats(struct req *r);
int page_case_stats_export(struct req *r);
int page_case_stats_list(struct req *r);

/* calendar/due_page.c */
int page_calendar_due(struct req *r);

#include "permit/permit_pages.h"  /* the permits register */

#endif
