/* policy.h: the security policy the security administrator sets
 *
 * Defaults follow classified protection level 3 (GB/T 22239) for staff and
 * administrators.  Values live in the settings table under "policy.*";
 * a cached copy is refreshed every few seconds and at once after a change
 * made through this process.
 */
#ifndef FZ_POLICY_H
#define FZ_POLICY_H

#include <stdbool.h>

#include <jansson.h>

struct db;

struct policy {
	int min_length_staff;       /* 12 */
	int min_length_citizen;     /* 8 */
	int min_classes_staff;      /* character classes required: 3 of 4 */
	int max_age_days;           /* 90; 0 = never expires */
	int history;                /* last N passwords may not be reused */
	int lockout_threshold;      /* 5 failures */
	int lockout_minutes;        /* 15 */
	int idle_minutes;           /* 15 */
	int absolute_hours;         /* 8 */
	int audit_checkpoint_every; /* 64 entries */
	int audit_checkpoint_minutes; /* 5 */
};

/* Description of one policy field for the settings page and validation. */
struct policy_field {
	const char *key;            /* "min_length_staff" */
	const char *label;          /* Chinese label */
	int min, max;
	int offset;                 /* offsetof(struct policy, field) */
};

extern const struct policy_field policy_fields[];
extern const int policy_field_count;

void policy_defaults(struct policy *p);
/* The policy in force (cached); falls back to defaults on a read error. */
void policy_get(struct db *db, struct policy *p);
/* Store a policy (inside the caller's transaction). */
int policy_save(struct db *db, const struct policy *p, int64_t by);
void policy_invalidate(void);
int policy_value(const struct policy *p, const struct policy_field *f);
void policy_set_value(struct policy *p, const struct policy_field *f, int v);
json_t *policy_to_json(const struct policy *p);

#endif
