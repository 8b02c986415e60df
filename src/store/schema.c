/* schema.c: the versioned migrations of the database schema */
#include "store/schema.h"

#include <stddef.h>

/* Version 1: organisation, accounts, sessions, settings, audit trail. */
static const char v1_sql[] =
	"CREATE TABLE departments ("
	" id {ID},"
	" parent_id BIGINT REFERENCES departments(id),"
	" code TEXT NOT NULL UNIQUE,"
	" name TEXT NOT NULL,"
	" sort INTEGER NOT NULL DEFAULT 0,"
	" created_at BIGINT NOT NULL);\n"
	"CREATE TABLE users ("
	" id {ID},"
	" login TEXT NOT NULL UNIQUE,"
	" display_name TEXT NOT NULL,"
	" dept_id BIGINT REFERENCES departments(id),"
	" kind TEXT NOT NULL DEFAULT 'staff'"
	"  CHECK (kind IN ('staff', 'admin', 'citizen')),"
	" password_hash TEXT NOT NULL,"
	" password_changed_at BIGINT NOT NULL,"
	" must_change INTEGER NOT NULL DEFAULT 1,"
	" failed_count INTEGER NOT NULL DEFAULT 0,"
	" locked_until BIGINT NOT NULL DEFAULT 0,"
	" disabled INTEGER NOT NULL DEFAULT 0,"
	" last_login_at BIGINT NOT NULL DEFAULT 0,"
	" created_at BIGINT NOT NULL);\n"
	"CREATE TABLE user_roles ("
	" user_id BIGINT NOT NULL REFERENCES users(id),"
	" role TEXT NOT NULL,"
	" granted_at BIGINT NOT NULL,"
	" granted_by BIGINT,"
	" PRIMARY KEY (user_id, role));\n"
	"CREATE TABLE password_history ("
	" user_id BIGINT NOT NULL REFERENCES users(id),"
	" password_hash TEXT NOT NULL,"
	" changed_at BIGINT NOT NULL);\n"
	"CREATE INDEX password_history_user ON password_history(user_id);\n"
	"CREATE TABLE sessions ("
	" id TEXT PRIMARY KEY,"
	" user_id BIGINT NOT NULL REFERENCES users(id),"
	" csrf TEXT NOT NULL,"
	" created_at BIGINT NOT NULL,"
	" last_seen_at BIGINT NOT NULL,"
	" ip TEXT NOT NULL,"
	" user_agent TEXT NOT NULL DEFAULT '');\n"
	"CREATE INDEX sessions_user ON sessions(user_id);\n"
	"CREATE TABLE api_tokens ("
	" id {ID},"
	" user_id BIGINT NOT NULL REFERENCES users(id),"
	" name TEXT NOT NULL,"
	" token_hash TEXT NOT NULL UNIQUE,"
	" prefix TEXT NOT NULL,"
	" created_at BIGINT NOT NULL,"
	" last_used_at BIGINT NOT NULL DEFAULT 0,"
	" revoked INTEGER NOT NULL DEFAULT 0);\n"
	"CREATE TABLE settings ("
	" key TEXT PRIMARY KEY,"
	" value TEXT NOT NULL,"
	" updated_at BIGINT NOT NULL,"
	" updated_by BIGINT);\n"
	"CREATE TABLE audit_log ("
	" seq BIGINT PRIMARY KEY,"
	" ts BIGINT NOT NULL,"
	" actor_id BIGINT,"
	" actor TEXT NOT NULL,"
	" actor_role TEXT NOT NULL,"
	" source_ip TEXT NOT NULL,"
	" request_id TEXT NOT NULL,"
	" action TEXT NOT NULL,"
	" object TEXT NOT NULL,"
	" outcome TEXT NOT NULL,"
	" details TEXT NOT NULL,"
	" prev_hash TEXT NOT NULL,"
	" hash TEXT NOT NULL);\n"
	"CREATE INDEX audit_log_ts ON audit_log(ts);\n"
	"CREATE INDEX audit_log_action ON audit_log(action);\n"
	"CREATE TABLE audit_checkpoints ("
	" seq BIGINT PRIMARY KEY,"
	" ts BIGINT NOT NULL,"
	" head_hash TEXT NOT NULL,"
	" key_id TEXT NOT NULL,"
	" signature TEXT NOT NULL);\n";

/* The audit trail is append-only at the database level too, so that no
 * code path, and no one with ordinary SQL access, can rewrite it. */
static const char v1_sqlite[] =
	"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
	" BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;\n"
	"CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
	" BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;\n"
	"CREATE TRIGGER audit_cp_no_update BEFORE UPDATE ON audit_checkpoints"
	" BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;\n"
	"CREATE TRIGGER audit_cp_no_delete BEFORE DELETE ON audit_checkpoints"
	" BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;\n";

static const char v1_pg[] =
	"CREATE FUNCTION fz_append_only() RETURNS trigger LANGUAGE plpgsql AS"
	" $$ BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$;\n"
	"CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE"
	" ON audit_log FOR EACH ROW EXECUTE FUNCTION fz_append_only();\n"
	"CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE"
	" ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION fz_append_only();\n"
	"CREATE TRIGGER audit_cp_append_only BEFORE UPDATE OR DELETE"
	" ON audit_checkpoints FOR EACH ROW EXECUTE FUNCTION fz_append_only();\n"
	"CREATE TRIGGER audit_cp_no_truncate BEFORE TRUNCATE"
	" ON audit_checkpoints FOR EACH STATEMENT"
	" EXECUTE FUNCTION fz_append_only();\n";

/* Version 2: the case engine — cases, their history and statutory clocks.
 * Personal data of the people behind a case is not held here: each
 * procedure's desk keeps it, encrypted, in a table of its own keyed by
 * case id. */
static const char v2_sql[] =
	"CREATE TABLE cases ("
	" id {ID},"
	" proc TEXT NOT NULL,"
	" version INTEGER NOT NULL,"
	" year INTEGER NOT NULL,"
	" seq INTEGER NOT NULL,"
	" number TEXT NOT NULL UNIQUE,"
	" state TEXT NOT NULL,"
	" is_final INTEGER NOT NULL DEFAULT 0,"
	" title TEXT NOT NULL DEFAULT '',"
	" channel TEXT NOT NULL DEFAULT '',"
	" category TEXT NOT NULL DEFAULT '',"
	" origin_dept_id BIGINT REFERENCES departments(id),"
	" dept_id BIGINT REFERENCES departments(id),"
	" assignee_id BIGINT REFERENCES users(id),"
	" merged_into BIGINT REFERENCES cases(id),"
	" fields TEXT NOT NULL,"
	" created_by BIGINT REFERENCES users(id),"
	" created_at BIGINT NOT NULL,"
	" updated_at BIGINT NOT NULL,"
	" closed_at BIGINT NOT NULL DEFAULT 0,"
	" UNIQUE (proc, year, seq));\n"
	"CREATE INDEX cases_proc_year ON cases(proc, year);\n"
	"CREATE INDEX cases_dept ON cases(dept_id, is_final);\n"
	"CREATE INDEX cases_assignee ON cases(assignee_id);\n"
	"CREATE TABLE case_counters ("
	" proc TEXT NOT NULL,"
	" year INTEGER NOT NULL,"
	" next_seq BIGINT NOT NULL,"
	" PRIMARY KEY (proc, year));\n"
	"CREATE TABLE case_events ("
	" id {ID},"
	" case_id BIGINT NOT NULL REFERENCES cases(id),"
	" seq INTEGER NOT NULL,"
	" action TEXT NOT NULL,"
	" from_state TEXT NOT NULL,"
	" to_state TEXT NOT NULL,"
	" actor_id BIGINT,"
	" actor TEXT NOT NULL,"
	" actor_dept_id BIGINT,"
	" ts BIGINT NOT NULL,"
	" fields TEXT NOT NULL,"
	" legal_review INTEGER NOT NULL DEFAULT 0,"
	" UNIQUE (case_id, seq));\n"
	"CREATE INDEX case_events_ts ON case_events(ts);\n"
	"CREATE TABLE case_clocks ("
	" case_id BIGINT NOT NULL REFERENCES cases(id),"
	" clock_id TEXT NOT NULL,"
	" unit TEXT NOT NULL CHECK (unit IN ('working', 'calendar')),"
	" length INTEGER NOT NULL,"
	" holiday_shift INTEGER NOT NULL DEFAULT 1,"
	" supervised INTEGER NOT NULL DEFAULT 1,"
	" started_day INTEGER NOT NULL,"
	" extension_days INTEGER NOT NULL DEFAULT 0,"
	" extensions INTEGER NOT NULL DEFAULT 0,"
	" paused_days INTEGER NOT NULL DEFAULT 0,"
	" paused_since INTEGER,"
	" stopped_day INTEGER,"
	" stopped_at BIGINT NOT NULL DEFAULT 0,"
	" stop_action TEXT NOT NULL DEFAULT '',"
	" cancelled INTEGER NOT NULL DEFAULT 0,"
	" due_day INTEGER NOT NULL,"
	" PRIMARY KEY (case_id, clock_id));\n"
	"CREATE INDEX case_clocks_due ON case_clocks(stopped_day, due_day);\n"
	"CREATE TABLE case_clock_pauses ("
	" id {ID},"
	" case_id BIGINT NOT NULL REFERENCES cases(id),"
	" clock_id TEXT NOT NULL,"
	" from_day INTEGER NOT NULL,"
	" to_day INTEGER);\n"
	"CREATE INDEX case_clock_pauses_case ON case_clock_pauses(case_id);\n"
	"CREATE TABLE case_reminders ("
	" id {ID},"
	" case_id BIGINT NOT NULL REFERENCES cases(id),"
	" clock_id TEXT NOT NULL,"
	" due_day INTEGER NOT NULL,"
	" dept_id BIGINT REFERENCES departments(id),"
	" assignee_id BIGINT REFERENCES users(id),"
	" created_at BIGINT NOT NULL,"
	" UNIQUE (case_id, clock_id, due_day));\n"
	"CREATE INDEX case_reminders_dept ON case_reminders(dept_id);\n";

/* Version 3: the petitions and hotline desk (petition/schema_sql.c). */
extern const char petition_schema_sql[];

/* Version 4: indexes for the duplicate check that runs at every intake:
 * the newest open cases, and a person's cases newest first. */
static const char v4_sql[] =
	"CREATE INDEX cases_open ON cases(is_final, id);\n"
	"DROP INDEX petitioner_phone;\n"
	"DROP INDEX petitioner_id;\n"
	"CREATE INDEX petitioner_phone ON petitioner(phone_index, case_id);\n"
	"CREATE INDEX petitioner_id ON petitioner(id_index, case_id);\n";

/* Version 5: uploaded files (attach/schema_sql.c); version 6: the
 * personal-data expiry job's mark (pii/retention_sql.c). */
extern const char attach_schema_sql[];
extern const char retention_schema_sql[];
/* Version 7: the permits register (permit/schema_sql.c). */
extern const char permit_schema_sql[];
/* Version 9: publications and the disclosure catalogue
 * (portal/schema_sql.c); version 10: the search index of published items
 * (portal/search_sql.c). */
extern const char portal_schema_sql[];
extern const char search_schema_sql[], search_sqlite_sql[], search_pg_sql[];
/* Version 11: the annual report on government information disclosure
 * (ogi/schema_sql.c). */
extern const char ogi_report_schema_sql[];
/* Version 12: search without pg_trgm (portal/search_sql.c). */
extern const char search_v12_sql[], search_v12_pg_sql[];
/* Version 13: where a catalogue section's information lives
 * (portal/schema_sql.c). */
extern const char portal_v13_sql[];

/* Version 8: the e-mail address an applicant for disclosure may give
 * for the reply (sealed, like the other personal fields). */
static const char v8_sql[] =
	"ALTER TABLE petitioner ADD COLUMN email TEXT NOT NULL DEFAULT '';\n";

const struct migration schema_migrations[] = {
	{ 1, "accounts and audit trail", v1_sql, v1_sqlite, v1_pg },
	{ 2, "cases, history and clocks", v2_sql, NULL, NULL },
	{ 3, "petition desk", petition_schema_sql, NULL, NULL },
	{ 4, "duplicate check indexes", v4_sql, NULL, NULL },
	{ 5, "attachments", attach_schema_sql, NULL, NULL },
	{ 6, "personal data expiry", retention_schema_sql, NULL, NULL },
	{ 7, "permits", permit_schema_sql, NULL, NULL },
	{ 8, "applicant e-mail", v8_sql, NULL, NULL },
	{ 9, "publications", portal_schema_sql, NULL, NULL },
	{ 10, "search", search_schema_sql, search_sqlite_sql, search_pg_sql },
	{ 11, "annual report", ogi_report_schema_sql, NULL, NULL },
	{ 12, "search without pg_trgm", search_v12_sql, NULL,
	  search_v12_pg_sql },
	{ 13, "catalogue links", portal_v13_sql, NULL, NULL },
};
const int schema_migration_count =
	(int)(sizeof(schema_migrations) / sizeof(schema_migrations[0]));
