/* cmd_audit.c: `fazhi audit verify` — check the audit trail end to end */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "cli/app.h"
#include "cli/cli.h"
#include "core/util.h"
#include "crypto/crypto.h"
#include "store/store.h"

static const char help[] =
	"usage: fazhi audit verify [--data-dir DIR] [--db URL]\n\n"
	"Recompute the SM3 hash chain of the audit trail and check the SM2\n"
	"signature of every checkpoint.  Exits 0 when the trail is intact,\n"
	"1 naming the first bad entry when anything was changed, deleted,\n"
	"inserted or reordered.\n";

static struct sm2_key *public_key(struct app *a)
{
	struct buf pem = BUF_INIT;
	struct sm2_key *k = NULL;
	char err[256];

	if (a->kp.read(&a->kp, "sm2.pub.pem", &pem, err, sizeof(err)) == 0)
		k = sm2_load_public(pem.data, pem.len, err, sizeof(err));
	if (!k)
		error("public key: %s", err);
	buf_release(&pem);
	return k;
}

static int verify(const char *data_dir, const char *db_url)
{
	struct audit_verify v;
	struct sm2_key *pub;
	struct app a;
	struct db *db;
	int rc = 1;

	if (cli_open(&a, &db, data_dir, db_url))
		goto out;
	pub = public_key(&a);
	if (!pub)
		goto out;
	switch (audit_verify(db, pub, &v)) {
	case 0:
		printf("audit trail intact: %lld entries, %lld signed "
		       "checkpoints verified\n", (long long)v.entries,
		       (long long)v.checkpoints);
		rc = 0;
		break;
	case 1:
		printf("audit trail DAMAGED at entry %lld: %s\n",
		       (long long)v.bad_seq, v.problem);
		break;
	default:
		error("cannot read the audit trail: %s", db_errmsg(db));
	}
	sm2_free(pub);
out:
	cli_close(&a, db);
	return rc;
}

int cmd_audit(int argc, char **argv)
{
	const char *data_dir = NULL, *db_url = NULL;
	const struct cli_opt opts[] = {
		{ "data-dir", &data_dir, NULL }, { "db", &db_url, NULL },
	};
	int first, rc;

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
			  strcmp(argv[1], "-h") == 0))
		return cli_help(help);
	if (argc < 2 || strcmp(argv[1], "verify") != 0)
		return cli_usage_error("audit", "expected 'fazhi audit verify'");
	rc = cli_parse("audit", help, argc - 1, argv + 1, opts,
		       (int)ARRAY_SIZE(opts), &first);
	if (rc)
		return rc == CLI_HELP ? 0 : rc;
	if (first < argc - 1)
		return cli_usage_error("audit", "unexpected argument '%s'",
				       argv[1 + first]);
	return verify(data_dir, db_url);
}
