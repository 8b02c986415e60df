/* demo_util.h: what the demo generators run on, who acts, on which days */
#ifndef FZ_DEMO_UTIL_H
#define FZ_DEMO_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "audit/audit.h"
#include "auth/roles.h"
#include "calendar/calendar.h"

struct app;
struct db;

/* What a demo generator runs on: the official calendar of the data
 * directory, and whether the generator loaded the procedure definitions
 * (and so must unload them). */
struct demo_env {
	struct calendar *cal;
	bool loaded;
};

/*
 * Ready `env` for a generator whose records go through the procedures
 * `procs` (NULL-terminated, or NULL for none): their definitions, loaded
 * from workflows/ when one of them is missing, the division codes of
 * identity numbers, and the calendar of `a`'s data directory.
 * demo_env_close() undoes it, after a failure too.  0, or < 0 with the
 * reason printed.
 */
int demo_env_open(struct app *a, const char *const *procs,
		  struct demo_env *env);
void demo_env_close(struct demo_env *env);

/* A demo account as the engine's callers pass it: the actor of the audit
 * entries, the one role it acts in, its department. */
struct demo_staff {
	struct actor actor;
	roleset roles;
	int64_t dept_id;
};

/*
 * Fill `s` for the demo account `login` acting as `role` (the actor's
 * ip "local", request id "demo"; dept_id 0 for an account without a
 * department).  `login` must outlive `s`.  0, or < 0 with the reason
 * printed when the account is missing or the database fails.
 */
int demo_staff_of(struct db *db, const char *login, enum role role,
		  struct demo_staff *s);

/*
 * A deterministic generator (splitmix64) seeded with `s`.  Not the
 * CSPRNG, on purpose: the demo records must come out the same on every
 * run, and nothing secret is drawn from it (the demo accounts get their
 * passwords from password_generate()).
 */
struct demo_rng {
	uint64_t s;
};

/* The next 64 bits of `r`. */
static inline uint64_t demo_rng_next(struct demo_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* 0 .. n-1 from `r` (0 when n <= 0).  Inline, so that the compiler
 * sees the range of what callers format. */
static inline int demo_rnd(struct demo_rng *r, int n)
{
	return n > 0 ? (int)(demo_rng_next(r) % (uint64_t)n) : 0;
}

/* True `percent` times in a hundred. */
static inline bool demo_chance(struct demo_rng *r, int percent)
{
	return demo_rnd(r, 100) < percent;
}

/* An element of the array `a`, drawn from `r`. */
#define DEMO_PICK(r, a) ((a)[demo_rnd((r), (int)ARRAY_SIZE(a))])

/* A resident identity number of 新昌县 (330624) for someone born on day
 * `birth`, with sequence `seq` (0..999: odd for a man, even for a
 * woman) and its GB 11643 check character. */
void demo_id_number(cal_day birth, int seq, char out[19]);

/* Unix time of `minute` of day `d`, China Standard Time. */
int64_t demo_at(cal_day d, int minute);

/* `d` when it is a working day of `cal`, else the next one. */
cal_day demo_working_on_or_after(const struct calendar *cal, cal_day d);

/* The n-th working day after `d` (n >= 1), or `d` itself for 0. */
cal_day demo_working_after(const struct calendar *cal, cal_day d, int n);

/* The n-th working day before `d` (n >= 1), or `d` itself for 0. */
cal_day demo_working_before(const struct calendar *cal, cal_day d, int n);

/* "2022-03-05" (at least the ten characters) as "2022年3月5日". */
void demo_cn_date(const char *ymd, char out[32]);

/* Day `d` as demo_cn_date() writes it. */
void demo_cn_day(cal_day d, char out[32]);

/*
 * Whether the engine holds any case of `proc` registered in `year`
 * (*present).  0, or < 0 with the reason printed when the database
 * fails.
 */
int demo_year_present(struct db *db, const char *proc, int year,
		      bool *present);

#endif
