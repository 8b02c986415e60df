/* audit.h: the tamper-evident audit trail
 *
 * Every login, logout, lockout, change of users, roles or policy, every
 * state change, export and unmasked view of personal data is appended
 * here, in the same transaction as the change it records (so a change
 * cannot be committed without its entry, and a failed append rolls the
 * change back).
 *
 * Entry hash = SM3(previous hash || canonical encoding of the entry); the
 * encoding is a sequence of netstrings ("<len>:<bytes>,") of the fields in
 * a fixed order, so no two different entries encode alike.  Every N
 * entries or T minutes a checkpoint (sequence, head hash, time) is signed
 * with the installation's SM2 key.  The table itself refuses UPDATE and
 * DELETE (database triggers).
 */
#ifndef FZ_AUDIT_H
#define FZ_AUDIT_H

#include <stdint.h>

#include <jansson.h>

#include "core/buf.h"

struct db;
struct req;
struct sm2_key;

struct audit_entry {
	int64_t actor_id;        /* 0 when none (system, anonymous) */
	const char *actor;       /* login or "system" / "anonymous" */
	const char *actor_role;  /* roles held, comma separated, or "" */
	const char *source_ip;
	const char *request_id;
	const char *action;      /* e.g. "login", "user.create" */
	const char *object;      /* e.g. "user:12" */
	const char *outcome;     /* "success", "failure", "denied" */
	json_t *details;         /* borrowed; may be NULL */
};

/* Who acts: a logged-in user, or a command run by an operator. */
struct actor {
	int64_t id;              /* 0 for the system or an operator */
	const char *login;
	const char *roles;
	const char *ip;
	const char *request_id;
};

/* Set the key that signs checkpoints and the checkpoint spacing.  Called
 * once at start-up, before any append. */
void audit_configure(struct sm2_key *signer, const char *key_id, int every,
		     int minutes);

/* Change the checkpoint spacing (the security policy changed). */
void audit_set_spacing(int every, int minutes);

/* Append inside the caller's write transaction (DB_EMISUSE otherwise).
 * Returns the new sequence number (> 0) or a DB_E* code. */
int64_t audit_append(struct db *db, const struct audit_entry *e);

/* Append an entry by `who` inside the caller's transaction; takes the
 * reference to `details`. */
int64_t audit_as(struct db *db, const struct actor *who, const char *action,
		 const char *object, const char *outcome, json_t *details);
/* The actor behind a request; `roles` is caller storage (>= 256 bytes). */
void actor_from_req(struct req *r, struct actor *a, char *roles,
		    size_t roleslen);

/* Append an entry about the request's actor, address and request id;
 * takes the reference to `details`.  Must run inside a transaction. */
int64_t audit_req(struct req *r, const char *action, const char *object,
		  const char *outcome, json_t *details);
/* The same in a transaction of its own, for events that change nothing
 * else (a failed login, an export, an unmasked view). */
int64_t audit_req_tx(struct req *r, const char *action, const char *object,
		     const char *outcome, json_t *details);

struct audit_verify {
	int64_t entries;         /* entries checked */
	int64_t checkpoints;     /* checkpoints whose signature verified */
	int64_t bad_seq;         /* first bad entry, 0 when all are good */
	char problem[256];       /* what is wrong with it */
};

/* Recompute the chain and check every checkpoint signature with `pub`.
 * Returns 0 when intact, 1 when tampering was found (see v->bad_seq and
 * v->problem), or a DB_E* code. */
int audit_verify(struct db *db, struct sm2_key *pub, struct audit_verify *v);

/* Number of entries (the head sequence); < 0 on error. */
int64_t audit_length(struct db *db);

#endif
