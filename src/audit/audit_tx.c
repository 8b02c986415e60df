/* audit_tx.c: ending the transaction of a change that is audited
 *
 * A service that changes the settings or the registers writes its rows
 * and its audit entry in one transaction, so that neither stands without
 * the other; how that transaction ends is the same for all of them.
 */
#include "audit/audit_tx.h"

#include "store/store.h"

int audit_tx_end(struct db *db, int rc, const struct actor *who,
		 const char *action, const char *object, json_t *details,
		 struct fz_err *err)
{
	if (rc == 0) {
		int64_t seq = audit_as(db, who, action, object, "success",
				       details);

		details = NULL;
		rc = seq < 0 ? (int)seq : 0;
	}
	json_decref(details);
	if (rc == 0)
		rc = db_commit(db);
	if (rc < 0) {
		if (db_in_tx(db))
			db_rollback(db);
		return db_failed(err, rc);
	}
	return 0;
}
