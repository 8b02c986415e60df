/* demo_permits.h: the permits register of the demo installation (2021
 * and 2022) */
#ifndef FZ_DEMO_PERMITS_H
#define FZ_DEMO_PERMITS_H

#include <stdbool.h>

struct app;
struct db;

/*
 * Add the permit decisions of 新昌高新园区 for 2021 (389) and 2022 (427,
 * the annual report's figure), every one with an electronic full text
 * (a small generated PDF of the decision), so that the full-text
 * electronic rate is 100% in both years.  The records go through the
 * register's own checks and batches (permit/permit.h), entered by the
 * demo 信息公开专员 and published within the 7 working days of 双公示.
 * Holders are fictitious companies of the park with valid credit codes
 * (and, for village building permits, villagers).  The same records on
 * every run (a fixed seed per year); a decision number already stored is
 * skipped, so running it again adds nothing.  Prints one line per year
 * unless `quiet`.  0, or < 0 with the reason printed.
 */
int demo_permits(struct app *a, struct db *db, bool quiet);

#endif
