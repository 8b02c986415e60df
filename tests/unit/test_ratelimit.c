/* test_ratelimit.c: token buckets per address — taking, and telling how
 * long until the next token without taking one
 *
 * The buckets refill with the wall clock; the rates here are slow enough
 * (one token in 1000 s) that the microseconds a test takes do not count.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http/ratelimit.h"

#define SLOW_RATE 0.001         /* one token in 1000 s */

static int setup(void **state)
{
	(void)state;
	ratelimit_reset();
	ratelimit_configure(RL_EXPORT, SLOW_RATE, 2);
	return 0;
}

static void test_take_until_empty(void **state)
{
	(void)state;
	assert_true(ratelimit_take(RL_EXPORT, "10.0.0.1"));
	assert_true(ratelimit_take(RL_EXPORT, "10.0.0.1"));
	assert_false(ratelimit_take(RL_EXPORT, "10.0.0.1"));
	/* another address has a bucket of its own */
	assert_true(ratelimit_take(RL_EXPORT, "10.0.0.2"));
}

static void test_wait_tells_without_taking(void **state)
{
	int64_t ms;
	int i;

	(void)state;
	/* a full bucket: no wait, however often one asks */
	for (i = 0; i < 5; i++)
		assert_int_equal(ratelimit_wait_ms(RL_EXPORT, "10.0.0.3"), 0);
	assert_true(ratelimit_take(RL_EXPORT, "10.0.0.3"));
	assert_int_equal(ratelimit_wait_ms(RL_EXPORT, "10.0.0.3"), 0);
	assert_true(ratelimit_take(RL_EXPORT, "10.0.0.3"));
	/* empty: a whole token at 0.001 a second is 1000 s away */
	ms = ratelimit_wait_ms(RL_EXPORT, "10.0.0.3");
	assert_in_range(ms, 999000, 1000001);
	assert_false(ratelimit_take(RL_EXPORT, "10.0.0.3"));
	/* a refused take leaves the wait as it was */
	assert_in_range(ratelimit_wait_ms(RL_EXPORT, "10.0.0.3"), 999000, ms);
}

static void test_unlimited_kind_never_waits(void **state)
{
	int i;

	(void)state;
	ratelimit_configure(RL_GENERAL, 0, 0);
	for (i = 0; i < 100; i++)
		assert_true(ratelimit_take(RL_GENERAL, "10.0.0.4"));
	assert_int_equal(ratelimit_wait_ms(RL_GENERAL, "10.0.0.4"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_take_until_empty, setup),
		cmocka_unit_test_setup(test_wait_tells_without_taking, setup),
		cmocka_unit_test_setup(test_unlimited_kind_never_waits, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
