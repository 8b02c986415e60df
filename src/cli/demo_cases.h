/* demo_cases.h: the petitions and hotline desk's records of the demo
 * installation (2021 and 2022) */
#ifndef FZ_DEMO_CASES_H
#define FZ_DEMO_CASES_H

#include <stdbool.h>

struct app;
struct db;

/*
 * Add the 2021 and 2022 cases of 新昌高新园区 through the case engine
 * (case_create(), case_act()) and the desk's petitioner table, so that
 * the 2022 statistics are those of the annual report: 508 letters, 325
 * hotline tickets, 2 county-leader instructions, 6 visits, 5 online
 * letters and 14 safe-construction cases, all handled in time, with 9
 * legal adviser involvements in petition replies.  A year that already
 * has cases of the desk is left alone, so running it again adds nothing.
 * The records are the same on every run (a fixed seed).  Needs the demo
 * departments and accounts of cmd_demo.c; adds a clerk and a head to
 * each handling department that has none.  Prints one line per year
 * unless `quiet`.  0, or < 0 with the reason printed.
 */
int demo_cases(struct app *a, struct db *db, bool quiet);

#endif
