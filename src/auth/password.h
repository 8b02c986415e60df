/* password.h: password hashing (PBKDF2-HMAC-SM3) and the password rules
 *
 * Stored form: "pbkdf2-sm3$<iterations>$<salt base64>$<hash base64>", so
 * the iteration count can rise over time without breaking old hashes.
 */
#ifndef FZ_PASSWORD_H
#define FZ_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/util.h"

struct policy;

#define PASSWORD_MAX_BYTES 1024  /* longer input is refused, never cut */

/* Iterations used for new hashes (set from the data directory config). */
void password_set_iterations(unsigned n);
unsigned password_iterations(void);
/* The iteration count that takes about `ms` milliseconds here. */
unsigned password_tune(unsigned ms);

int password_hash(const char *pw, struct buf *out);
/* 0 when `pw` matches `stored` (constant-time compare). */
int password_verify(const char *pw, const char *stored);

/* Check a new password against the rules; fills err with a message for
 * the user.  `staff` selects the stricter staff rules. */
int password_check_rules(const struct policy *p, bool staff,
			 const char *login, const char *display_name,
			 const char *pw, struct fz_err *err);
/* Load the common-password blocklist (one per line); 0 on success. */
int password_load_blocklist(const char *path);
/* A random password that satisfies the staff rules, for first accounts
 * and resets; `out` holds at least 21 bytes. */
void password_generate(char out[21]);

#endif
