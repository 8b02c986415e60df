/* schema_sql.c: the administrative permits register (migration 7)
 *
 * One row per permit decision (行政许可决定) as published under the
 * 双公示 rules: the item, the decision number, the holder, the decision
 * date, validity, the deciding authority, the legal basis, and whether
 * an electronic full text exists (`fulltext`, which the full-text rate
 * counts) with its attachment when it was uploaded (`fulltext_id`; the
 * attachment's field is 'permit').  An organisation's holder_code is its
 * unified social credit code (GB 32100), checked before it is stored; a
 * natural person's identity number is checked and not kept, so
 * holder_code is '' for holder_kind 'person'.  imported_from names the
 * import batch a row came in with; a batch is all or nothing.  A row is
 * on the portal from published_at.
 */
#include <stddef.h>

extern const char permit_schema_sql[];

const char permit_schema_sql[] =
	"CREATE TABLE permits ("
	" id {ID},"
	" item TEXT NOT NULL,"
	" decision_no TEXT NOT NULL UNIQUE,"
	" holder TEXT NOT NULL,"
	" holder_kind TEXT NOT NULL DEFAULT 'org'"
	"  CHECK (holder_kind IN ('org', 'person')),"
	" holder_code TEXT NOT NULL,"
	" decided_on TEXT NOT NULL,"
	" valid_from TEXT NOT NULL DEFAULT '',"
	" valid_to TEXT NOT NULL DEFAULT '',"
	" authority TEXT NOT NULL,"
	" legal_basis TEXT NOT NULL DEFAULT '',"
	" fulltext INTEGER NOT NULL DEFAULT 0 CHECK (fulltext IN (0, 1)),"
	" fulltext_id BIGINT REFERENCES attachments(id),"
	" published_at BIGINT NOT NULL DEFAULT 0,"
	" imported_from TEXT NOT NULL DEFAULT '',"
	" created_by BIGINT REFERENCES users(id),"
	" created_at BIGINT NOT NULL,"
	" CHECK (fulltext_id IS NULL OR fulltext = 1));\n"
	"CREATE INDEX permits_decided ON permits(decided_on);\n"
	"CREATE INDEX permits_holder ON permits(holder_code);\n";
