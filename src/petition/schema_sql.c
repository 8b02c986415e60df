/* schema_sql.c: the petitions and hotline desk's table (migration 3)
 *
 * One row per case of the desk, keyed by the engine's case id: the
 * petitioner of a petition or hotline ticket, the applicant of an
 * application for disclosure (a person, or an organisation with its
 * name and unified social credit code in name and id_number).  The
 * columns named as in the personal-data register (pii/fields.c:
 * petitioner.name, .id_number, .phone, .address, and .email, added by
 * migration 8: the e-mail address an applicant may give for the
 * reply) hold only sealed text
 * (pii_seal(), "" when not given); the *_index columns hold blind indexes
 * for exact search, NULL when there is no value, so that no two empty
 * values look alike.  A query code is kept only as its SM3 hash and a
 * blind index, never in the clear.
 */
#include <stddef.h>

extern const char petition_schema_sql[];

const char petition_schema_sql[] =
	"CREATE TABLE petitioner ("
	" case_id BIGINT PRIMARY KEY REFERENCES cases(id),"
	" name TEXT NOT NULL DEFAULT '',"
	" id_number TEXT NOT NULL DEFAULT '',"
	" phone TEXT NOT NULL DEFAULT '',"
	" address TEXT NOT NULL DEFAULT '',"
	" phone_index TEXT,"
	" id_index TEXT,"
	" accused_dept_id BIGINT REFERENCES departments(id),"
	" online INTEGER NOT NULL DEFAULT 0,"
	" query_hash TEXT,"
	" query_index TEXT UNIQUE,"
	" satisfaction TEXT NOT NULL DEFAULT ''"
	"  CHECK (satisfaction IN ('', 'satisfied', 'basically_satisfied',"
	" 'unsatisfied')),"
	" rated_at BIGINT NOT NULL DEFAULT 0,"
	" created_at BIGINT NOT NULL);\n"
	"CREATE INDEX petitioner_phone ON petitioner(phone_index);\n"
	"CREATE INDEX petitioner_id ON petitioner(id_index);\n"
	"CREATE INDEX petitioner_accused ON petitioner(accused_dept_id);\n";
