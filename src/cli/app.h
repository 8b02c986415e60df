/* app.h: an opened data directory — configuration, keys, database URL
 *
 * Every command that works on an installation opens it through app_open(),
 * which runs the cryptographic self-tests first (nothing proceeds on a
 * failed known-answer test), reads DATA_DIR/fazhi.conf, loads the keys
 * through the key provider and configures the audit signer.
 */
#ifndef FZ_APP_H
#define FZ_APP_H

#include <stdbool.h>

#include "crypto/crypto.h"

struct db;

struct app {
	char *data_dir;
	char *db_url;
	char *blocklist;         /* common-password list path */
	unsigned kdf_iterations;
	struct key_provider kp;
	struct keyring *keyring;
	struct sm2_key *sm2;     /* signing key (private) */
	char sm2_key_id[17];
};

#define APP_DEFAULT_BLOCKLIST "/usr/share/john/password.lst"

/* The data directory from --data-dir, $FAZHI_DATA_DIR or ./var. */
const char *app_default_data_dir(const char *opt);

/* Open an initialised data directory; `db_override` replaces the URL in
 * fazhi.conf when not NULL.  Prints the reason and returns < 0 on
 * failure. */
int app_open(struct app *a, const char *data_dir, const char *db_override);
void app_close(struct app *a);
/* Open a database connection to the app's URL, migrated when `migrate`. */
struct db *app_db(struct app *a, bool migrate);

/* Whether DIR holds an initialised installation. */
bool app_exists(const char *data_dir);
/* Create DIR, its keys and fazhi.conf (not the database). */
int app_create(const char *data_dir, const char *db_url, unsigned iterations);

/* Key id of an SM2 public key: the first 16 hex digits of SM3(PEM). */
void app_key_id(const char *pem, size_t n, char out[17]);

#endif
