/* schema_sql.c: the annual report on government information disclosure
 * (migration 11)
 *
 * gi_settings: the readings of the national format that are not settled
 * (REGULATIONS.md §2, UNCONFIRMED), one row per key (ogi/report_store.c
 * lists the keys); a key without a row reads as its default.
 * gi_inputs: what a year's report needs that no record here holds —
 * table 二's hand-entered cells, table 四, the sections' texts — one row
 * per (year, key), the value as text (integers in decimal).
 * gi_reports: the frozen copy (JSON, gi_report_json()) of a report
 * drafted as a publication item, so the portal shows what was approved
 * even when the records change later; one per item.
 */
#include <stddef.h>

extern const char ogi_report_schema_sql[];

const char ogi_report_schema_sql[] =
	"CREATE TABLE gi_settings ("
	" key TEXT PRIMARY KEY,"
	" value TEXT NOT NULL,"
	" updated_at BIGINT NOT NULL,"
	" updated_by BIGINT REFERENCES users(id));\n"
	"CREATE TABLE gi_inputs ("
	" year INTEGER NOT NULL,"
	" key TEXT NOT NULL,"
	" value TEXT NOT NULL,"
	" updated_at BIGINT NOT NULL,"
	" updated_by BIGINT REFERENCES users(id),"
	" PRIMARY KEY (year, key));\n"
	"CREATE TABLE gi_reports ("
	" id {ID},"
	" year INTEGER NOT NULL,"
	" pub_id BIGINT NOT NULL UNIQUE REFERENCES publications(id),"
	" snapshot TEXT NOT NULL,"
	" created_at BIGINT NOT NULL,"
	" created_by BIGINT REFERENCES users(id));\n"
	"CREATE INDEX gi_reports_year ON gi_reports(year);\n";
