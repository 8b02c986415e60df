/* demo_portal.h: the publications of the demo installation (2021, 2022) */
#ifndef FZ_DEMO_PORTAL_H
#define FZ_DEMO_PORTAL_H

#include <stdbool.h>

struct app;
struct db;

/*
 * Add the 2021 and 2022 items of 新昌高新园区's government information
 * disclosure through the publishing pipeline (pub_create(), pub_act(),
 * pub_resolve()) as the demo staff: the information disclosure officer
 * drafts, submits and publishes, the confidentiality reviewer resolves
 * the scanner's findings and passes the review, the leader approves,
 * each step at a past date within the 20 working days of Art. 26.  The
 * figures of the 2022 report hold: 20 items published to the county
 * government website in 2021 and 29 in 2022 (+45%), 13 articles on the
 * park's public account in 2022.  A year that already has publications
 * is left alone, so running it again adds nothing; the records are the
 * same on every run.  Needs the demo accounts of cmd_demo.c.  Prints one
 * line per year unless `quiet`.  0, or < 0 with the reason printed.
 */
int demo_portal(struct app *a, struct db *db, bool quiet);

#endif
