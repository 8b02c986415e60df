/* policy.c: the security policy the security administrator sets */
#include "auth/policy.h"

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/util.h"
#include "store/store.h"

#define CACHE_SECONDS 5

#define F(key, label, min, max) \
	{ #key, label, min, max, (int)offsetof(struct policy, key) }

const struct policy_field policy_fields[] = {
	F(min_length_staff, "工作人员密码最小长度", 8, 64),
	F(min_length_citizen, "公众账号密码最小长度", 8, 64),
	F(min_classes_staff, "工作人员密码须含字符类别数", 1, 4),
	F(max_age_days, "密码有效期（天，0 为不过期）", 0, 365),
	F(history, "不得重复使用最近几次密码", 0, 24),
	F(lockout_threshold, "连续登录失败锁定次数", 3, 20),
	F(lockout_minutes, "锁定时长（分钟）", 1, 1440),
	F(idle_minutes, "会话空闲超时（分钟）", 1, 240),
	F(absolute_hours, "会话最长时间（小时）", 1, 24),
	F(audit_checkpoint_every, "审计签名检查点间隔（条）", 1, 100000),
	F(audit_checkpoint_minutes, "审计签名检查点间隔（分钟）", 1, 1440),
};
const int policy_field_count = (int)ARRAY_SIZE(policy_fields);

static struct {
	pthread_mutex_t lock;
	struct policy p;
	int64_t loaded_at;
	bool valid;
} cache = { PTHREAD_MUTEX_INITIALIZER, { 0 }, 0, false };

void policy_defaults(struct policy *p)
{
	p->min_length_staff = 12;
	p->min_length_citizen = 8;
	p->min_classes_staff = 3;
	p->max_age_days = 90;
	p->history = 5;
	p->lockout_threshold = 5;
	p->lockout_minutes = 15;
	p->idle_minutes = 15;
	p->absolute_hours = 8;
	p->audit_checkpoint_every = 64;
	p->audit_checkpoint_minutes = 5;
}

int policy_value(const struct policy *p, const struct policy_field *f)
{
	return *(const int *)((const char *)p + f->offset);
}

void policy_set_value(struct policy *p, const struct policy_field *f, int v)
{
	*(int *)((char *)p + f->offset) = v;
}

static const struct policy_field *field_by_key(const char *key)
{
	int i;

	for (i = 0; i < policy_field_count; i++)
		if (strcmp(policy_fields[i].key, key) == 0)
			return &policy_fields[i];
	return NULL;
}

static int load(struct db *db, struct policy *p)
{
	struct db_rows *rows;
	int step;

	policy_defaults(p);
	rows = db_query(db, "SELECT key, value FROM settings "
			"WHERE key LIKE 'policy.%'", "");
	if (!rows)
		return db_errcode(db);
	while ((step = db_next(rows)) == 1) {
		const struct policy_field *f =
			field_by_key(db_text(rows, 0) + strlen("policy."));
		int64_t v;

		/* A value outside its range (edited by hand) keeps the
		 * default rather than weakening the policy. */
		if (f && !parse_int64(db_text(rows, 1), f->min, f->max, &v))
			policy_set_value(p, f, (int)v);
	}
	db_rows_free(rows);
	return step < 0 ? step : 0;
}

void policy_get(struct db *db, struct policy *p)
{
	int64_t now = clock_now();

	pthread_mutex_lock(&cache.lock);
	if (cache.valid && now - cache.loaded_at < CACHE_SECONDS &&
	    now >= cache.loaded_at) {
		*p = cache.p;
		pthread_mutex_unlock(&cache.lock);
		return;
	}
	pthread_mutex_unlock(&cache.lock);
	if (load(db, p)) {
		policy_defaults(p);
		return;
	}
	pthread_mutex_lock(&cache.lock);
	cache.p = *p;
	cache.loaded_at = now;
	cache.valid = true;
	pthread_mutex_unlock(&cache.lock);
}

void policy_invalidate(void)
{
	pthread_mutex_lock(&cache.lock);
	cache.valid = false;
	pthread_mutex_unlock(&cache.lock);
}

int policy_save(struct db *db, const struct policy *p, int64_t by)
{
	int i, rc = 0;

	for (i = 0; i < policy_field_count && rc >= 0; i++) {
		char key[64], val[16];

		snprintf(key, sizeof(key), "policy.%s", policy_fields[i].key);
		snprintf(val, sizeof(val), "%d",
			 policy_value(p, &policy_fields[i]));
		rc = db_exec(db, "DELETE FROM settings WHERE key = ?", "s",
			     key);
		if (rc >= 0)
			rc = db_exec(db, "INSERT INTO settings (key, value, "
				     "updated_at, updated_by) VALUES "
				     "(?, ?, ?, ?)", "ssiz", key, val,
				     clock_now(), by);
	}
	policy_invalidate();
	return rc < 0 ? rc : 0;
}

json_t *policy_to_json(const struct policy *p)
{
	json_t *o = json_object();
	int i;

	for (i = 0; i < policy_field_count; i++)
		json_object_set_new(o, policy_fields[i].key,
				    json_integer(policy_value(
					    p, &policy_fields[i])));
	return o;
}
