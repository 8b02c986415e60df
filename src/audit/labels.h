/* labels.h: Chinese names for the codes stored in the audit trail
 *
 * The trail keeps codes ("user.create", detail keys such as "parent_id",
 * the command line's role "operator" and source "local"): they are what
 * is hashed, filtered on and exported, and they never change.  The audit
 * administrator reads them under the names given here, with the code
 * shown beside the name so that it can still be searched for.
 */
#ifndef FZ_AUDIT_LABELS_H
#define FZ_AUDIT_LABELS_H

#include <stddef.h>

#include <jansson.h>

struct workflow;

/* What cli_actor() (cli/cli.h) writes for a command run on the server. */
#define AUDIT_CLI_ROLE "operator"
#define AUDIT_CLI_SOURCE "local"

/*
 * The Chinese name of an action code, or NULL when it is unknown.  The
 * engine writes "case.<action>" for every step of a case; its name is
 * that action's label in the procedure and version named by the entry's
 * `details` ("procedure", "version"), or in any loaded procedure when
 * `details` does not say (or names one that is no longer loaded).
 */
const char *audit_action_label(const char *action, const json_t *details);

/* The procedure definition named by the details of a case step
 * ("procedure", "version"), or NULL when none is, or it is not loaded. */
const struct workflow *audit_case_workflow(const json_t *details);

/*
 * The action code whose Chinese name is `label` exactly, so that the
 * filter accepts what the page shows: a fixed code, or "case.<action>"
 * written into `buf` (`n` bytes) when the loaded procedures agree on the
 * action behind that label.  NULL when no code, or more than one, has it.
 */
const char *audit_action_code(const char *label, char *buf, size_t n);

/* Called once per known action, fixed ones first, then "case.<action>"
 * once per action id of the loaded procedures. */
typedef void (*audit_action_fn)(const char *code, const char *label,
				void *arg);
void audit_action_each(audit_action_fn fn, void *arg);

/* The Chinese name of a key of the details of an entry of `action`, or
 * NULL when it is unknown. */
const char *audit_key_label(const char *action, const char *key);

/* The Chinese name of a coded string value under `key` (a login
 * failure's reason, the kind of an account, ...), or NULL. */
const char *audit_value_label(const char *key, const char *value);

/* Names of the stored actor, role and source values that are not a
 * person's login, a role of auth/roles.h or an address; NULL for any
 * other value. */
const char *audit_actor_label(const char *actor);
const char *audit_role_label(const char *role);
const char *audit_source_label(const char *source);

#endif
