/* retention_sql.c: what the personal-data expiry job records
 * (migration 6)
 *
 * A petitioner row whose retention has run out keeps its case link and
 * the satisfaction rating (statistics need them) but loses every personal
 * field; expired_at says when, so the job never touches a row twice.
 */
#include <stddef.h>

extern const char retention_schema_sql[];

const char retention_schema_sql[] =
	"ALTER TABLE petitioner ADD COLUMN expired_at BIGINT NOT NULL "
	"DEFAULT 0;\n";
