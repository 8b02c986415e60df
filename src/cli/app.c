/* app.c: an opened data directory — configuration, keys, database URL */
#include "cli/app.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/audit.h"
#include "auth/password.h"
#include "auth/policy.h"
#include "core/util.h"
#include "store/store.h"

#define CONF_NAME "fazhi.conf"
#define CONF_MAX 65536

const char *app_default_data_dir(const char *opt)
{
	const char *env = getenv("FAZHI_DATA_DIR");

	if (opt && *opt)
		return opt;
	return env && *env ? env : "./var";
}

bool app_exists(const char *data_dir)
{
	char *p = xasprintf("%s/%s", data_dir, CONF_NAME);
	bool ok = access(p, F_OK) == 0;

	free(p);
	return ok;
}

void app_key_id(const char *pem, size_t n, char out[17])
{
	uint8_t h[SM3_LEN];
	struct buf hex = BUF_INIT;

	crypto_sm3(pem, n, h);
	buf_hex(&hex, h, 8);
	memcpy(out, buf_cstr(&hex), 17);
	buf_release(&hex);
}

/* fazhi.conf: "key = value" lines; '#' starts a comment. */
static int conf_read(struct app *a)
{
	char *path = xasprintf("%s/%s", a->data_dir, CONF_NAME);
	struct buf b = BUF_INIT;
	char *line, *save = NULL;
	int rc = read_file(path, &b, CONF_MAX);

	if (rc) {
		error("cannot read %s: %s", path, strerror(errno));
		free(path);
		return rc;
	}
	for (line = strtok_r(b.data, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '='), *k = line, *v, *end;
		int64_t n;

		if (line[0] == '#' || !eq)
			continue;
		*eq = '\0';
		v = eq + 1;
		while (*k == ' ')
			k++;
		for (end = eq - 1; end >= k && *end == ' '; end--)
			*end = '\0';
		while (*v == ' ')
			v++;
		for (end = v + strlen(v) - 1; end >= v && (*end == ' ' ||
							   *end == '\r'); end--)
			*end = '\0';
		if (strcmp(k, "db") == 0) {
			free(a->db_url);
			a->db_url = xstrdup(v);
		} else if (strcmp(k, "kdf_iterations") == 0 &&
			   !parse_int64(v, 1000, 100000000, &n)) {
			a->kdf_iterations = (unsigned)n;
		} else if (strcmp(k, "password_blocklist") == 0) {
			free(a->blocklist);
			a->blocklist = xstrdup(v);
		}
	}
	buf_release(&b);
	free(path);
	return 0;
}

static int load_keys(struct app *a)
{
	struct buf pem = BUF_INIT;
	char err[256];

	a->keyring = keyring_load(&a->kp, err, sizeof(err));
	if (!a->keyring)
		return error("%s", err);
	if (a->kp.read(&a->kp, "sm2.pem", &pem, err, sizeof(err)))
		return error("%s", err);
	a->sm2 = sm2_load_private(pem.data, pem.len, err, sizeof(err));
	crypto_cleanse(pem.data, pem.len);
	buf_release(&pem);
	if (!a->sm2)
		return error("signing key: %s", err);
	if (a->kp.read(&a->kp, "sm2.pub.pem", &pem, err, sizeof(err)))
		return error("%s", err);
	app_key_id(pem.data, pem.len, a->sm2_key_id);
	buf_release(&pem);
	return 0;
}

int app_open(struct app *a, const char *data_dir, const char *db_override)
{
	char what[128];

	memset(a, 0, sizeof(*a));
	if (crypto_selftest(what, sizeof(what)))
		return error("cryptographic self-test failed (%s); refusing "
			     "to continue", what);
	a->data_dir = xstrdup(data_dir);
	if (!app_exists(data_dir))
		return error("'%s' is not a Fazhi data directory (run 'fazhi "
			     "init --data-dir %s' first)", data_dir, data_dir);
	if (conf_read(a))
		return FZ_ERR;
	if (db_override) {
		free(a->db_url);
		a->db_url = xstrdup(db_override);
	}
	if (!a->db_url)
		a->db_url = xasprintf("sqlite:%s/fazhi.db", data_dir);
	if (key_provider_file(&a->kp, data_dir))
		return error("cannot open the key store in %s/keys", data_dir);
	if (load_keys(a))
		return FZ_ERR;
	if (a->kdf_iterations)
		password_set_iterations(a->kdf_iterations);
	if (password_load_blocklist(a->blocklist ? a->blocklist
				    : APP_DEFAULT_BLOCKLIST))
		warn("common-password list %s not found: only built-in "
		     "checks apply (install the john-data package)",
		     a->blocklist ? a->blocklist : APP_DEFAULT_BLOCKLIST);
	return 0;
}

struct db *app_db(struct app *a, bool migrate)
{
	struct policy pol;
	char err[256];
	struct db *db = db_open(a->db_url, err, sizeof(err));

	if (!db) {
		error("cannot open database: %s", err);
		return NULL;
	}
	if (migrate && db_migrate(db, NULL, NULL) < 0) {
		error("database migration failed: %s", db_errmsg(db));
		db_close(db);
		return NULL;
	}
	policy_get(db, &pol);
	audit_configure(a->sm2, a->sm2_key_id, pol.audit_checkpoint_every,
			pol.audit_checkpoint_minutes);
	return db;
}

void app_close(struct app *a)
{
	keyring_free(a->keyring);
	sm2_free(a->sm2);
	if (a->kp.name)
		key_provider_release(&a->kp);
	free(a->data_dir);
	free(a->db_url);
	free(a->blocklist);
	memset(a, 0, sizeof(*a));
}

int app_create(const char *data_dir, const char *db_url, unsigned iterations)
{
	struct key_provider kp;
	struct buf priv = BUF_INIT, pub = BUF_INIT, conf = BUF_INIT;
	char *path;
	int rc = FZ_ERR;

	if (mkdir(data_dir, 0700) && errno != EEXIST)
		return error("cannot create %s: %s", data_dir,
			     strerror(errno));
	if (key_provider_file(&kp, data_dir))
		return error("cannot create the key store in %s/keys",
			     data_dir);
	if (!kp.exists(&kp, "datakeys") && keyring_create(&kp)) {
		error("cannot create the data keys");
		goto out;
	}
	if (!kp.exists(&kp, "sm2.pem")) {
		if (sm2_generate(&priv, &pub) ||
		    kp.write(&kp, "sm2.pem", priv.data, priv.len) ||
		    kp.write(&kp, "sm2.pub.pem", pub.data, pub.len)) {
			error("cannot create the SM2 signing key");
			goto out;
		}
	}
	buf_puts(&conf, "# Fazhi installation settings\n");
	buf_printf(&conf, "db = %s\n", db_url);
	buf_printf(&conf, "kdf_iterations = %u\n", iterations);
	path = xasprintf("%s/%s", data_dir, CONF_NAME);
	rc = write_file_atomic(path, conf.data, conf.len, 0600);
	if (rc)
		error("cannot write %s: %s", path, strerror(errno));
	free(path);
out:
	crypto_cleanse(priv.data, priv.len);
	buf_release(&priv);
	buf_release(&pub);
	buf_release(&conf);
	key_provider_release(&kp);
	return rc;
}
