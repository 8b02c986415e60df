/* schema_sql.c: the attachments table (migration 5)
 *
 * One row per uploaded file.  The bytes live outside the database and the
 * web root, sealed, under a generated name (`storage`); the row keeps what
 * was checked: the detected type, the size and the SM3 hash of the plain
 * bytes.  An upload belongs to no case until the action that carries it
 * is accepted (case_id and event_id are then set in the same
 * transaction); `field` is the procedure field it fills.  The uploader's
 * file name is kept sealed: names of files often name people.
 */
#include <stddef.h>

extern const char attach_schema_sql[];

const char attach_schema_sql[] =
	"CREATE TABLE attachments ("
	" id {ID},"
	" case_id BIGINT REFERENCES cases(id),"
	" event_id BIGINT REFERENCES case_events(id),"
	" field TEXT NOT NULL DEFAULT '',"
	" name TEXT NOT NULL,"
	" mime TEXT NOT NULL,"
	" size BIGINT NOT NULL,"
	" sm3 TEXT NOT NULL,"
	" storage TEXT NOT NULL UNIQUE,"
	" uploaded_by BIGINT REFERENCES users(id),"
	" created_at BIGINT NOT NULL,"
	" expired_at BIGINT NOT NULL DEFAULT 0);\n"
	"CREATE INDEX attachments_case ON attachments(case_id);\n";
