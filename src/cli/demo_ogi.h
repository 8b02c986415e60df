/* demo_ogi.h: the applications for government information of the demo
 * installation (2021, 2022) */
#ifndef FZ_DEMO_OGI_H
#define FZ_DEMO_OGI_H

#include <stdbool.h>

struct app;
struct db;

/*
 * Add the applications for government information disclosure (依申请
 * 公开) that 新昌高新园区管理委员会 received in 2021 (8) and 2022 (12)
 * through the case engine (case_create(), case_act()) of the
 * "disclosure" procedure, each applicant sealed in the desk's petitioner
 * table as the online form and the registration page store them.  The
 * disclosure officer registers letters, visits, faxes and e-mails; an
 * online application is opened by the visitor, as the form does.  The
 * replies cover the outcomes of the national annual report's table
 * (disclosed, already public, partly disclosed, withheld after a third
 * party was consulted, not held, a complaint, a repeat, process
 * information), with a correction received, one not received (taken as
 * abandoned), one withdrawn and one extension by the department head;
 * one application runs from December 2021 into January 2022 and one
 * from December 2022 into January 2023.  Every step falls on a past
 * date of the official calendar and every reply within its limit
 * (20 working days, pauses and the extension counted as the engine
 * counts them), so nothing is late or left open.  A year that already
 * has applications is left alone, so running it again adds nothing;
 * the records are the same on every run.  Needs the demo accounts of
 * cmd_demo.c ("ogi", "depthead").  Prints one line per year unless
 * `quiet`.  0, or < 0 with the reason printed.
 */
int demo_ogi(struct app *a, struct db *db, bool quiet);

#endif
