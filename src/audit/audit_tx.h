/* audit_tx.h: ending the transaction of a change that is audited */
#ifndef FZ_AUDIT_TX_H
#define FZ_AUDIT_TX_H

#include <jansson.h>

#include "audit/audit.h"

struct db;
struct fz_err;

/*
 * End the caller's write transaction, whose work so far returned `rc`:
 * with rc == 0, append the entry of `who` doing `action` on `object`
 * ("success", `details`) and commit; with rc < 0, or when the entry or
 * the commit fails, roll back.  Takes the reference to `details` in
 * every case.  0, or FZ_ERR with `err` set by db_failed().  A positive
 * `rc` (not a failure) leaves the transaction open and returns 0.
 */
int audit_tx_end(struct db *db, int rc, const struct actor *who,
		 const char *action, const char *object, json_t *details,
		 struct fz_err *err);

#endif
