/* password.c: password hashing (PBKDF2-HMAC-SM3) and the password rules */
#include "auth/password.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/policy.h"
#include "core/clock.h"
#include "core/utf8.h"
#include "crypto/crypto.h"

#define SALT_LEN 16
#define HASH_LEN 32
#define DEFAULT_ITERATIONS 100000

static unsigned iterations = DEFAULT_ITERATIONS;

/* Blocklist of common passwords, lower-cased, sorted for bsearch. */
static char **blocklist;
static size_t blocklist_n;

void password_set_iterations(unsigned n)
{
	if (n >= 1000)
		iterations = n;
}

unsigned password_iterations(void)
{
	return iterations;
}

unsigned password_tune(unsigned ms)
{
	const unsigned probe = 20000;
	uint8_t out[HASH_LEN];
	int64_t t0 = clock_mono_ns(), dt;
	uint64_t n;

	crypto_pbkdf2_sm3("calibration", 11, "saltsaltsaltsalt", SALT_LEN,
			  probe, out, sizeof(out));
	dt = clock_mono_ns() - t0;
	if (dt <= 0)
		dt = 1;
	n = (uint64_t)probe * ms * 1000000ULL / (uint64_t)dt;
	if (n < 10000)
		n = 10000;
	if (n > 10000000)
		n = 10000000;
	return (unsigned)n;
}

int password_hash(const char *pw, struct buf *out)
{
	uint8_t salt[SALT_LEN], h[HASH_LEN];
	size_t n = strlen(pw);

	if (n > PASSWORD_MAX_BYTES || crypto_random(salt, sizeof(salt)) ||
	    crypto_pbkdf2_sm3(pw, n, salt, sizeof(salt), iterations, h,
			      sizeof(h)))
		return FZ_ERR;
	buf_printf(out, "pbkdf2-sm3$%u$", iterations);
	crypto_b64_encode(out, salt, sizeof(salt));
	buf_putc(out, '$');
	crypto_b64_encode(out, h, sizeof(h));
	crypto_cleanse(h, sizeof(h));
	return buf_err(out) ? FZ_ERR : FZ_OK;
}

int password_verify(const char *pw, const char *stored)
{
	struct buf salt = BUF_INIT, want = BUF_INIT;
	char iter_s[16];
	const char *p, *q;
	uint8_t got[HASH_LEN];
	int64_t iter;
	int rc = FZ_ERR;

	if (!stored || !str_starts(stored, "pbkdf2-sm3$") ||
	    strlen(pw) > PASSWORD_MAX_BYTES)
		return FZ_ERR;
	p = stored + strlen("pbkdf2-sm3$");
	q = strchr(p, '$');
	if (!q || (size_t)(q - p) >= sizeof(iter_s))
		return FZ_ERR;
	memcpy(iter_s, p, (size_t)(q - p));
	iter_s[q - p] = '\0';
	if (parse_int64(iter_s, 1000, 100000000, &iter))
		return FZ_ERR;
	p = q + 1;
	q = strchr(p, '$');
	if (!q || crypto_b64_decode(&salt, p, (size_t)(q - p)) ||
	    crypto_b64_decode(&want, q + 1, strlen(q + 1)) ||
	    want.len != HASH_LEN)
		goto out;
	if (crypto_pbkdf2_sm3(pw, strlen(pw), salt.data, salt.len,
			      (unsigned)iter, got, sizeof(got)))
		goto out;
	rc = crypto_equal(got, want.data, HASH_LEN) ? FZ_OK : FZ_ERR;
	crypto_cleanse(got, sizeof(got));
out:
	buf_release(&salt);
	buf_release(&want);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void lower_ascii(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

int password_load_blocklist(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[256];
	size_t cap = 0;

	if (!f)
		return FZ_ERR;
	/* Loading again (a command that opens the installation twice)
	 * replaces the list. */
	while (blocklist_n > 0)
		free(blocklist[--blocklist_n]);
	free(blocklist);
	blocklist = NULL;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		/* John the Ripper's list starts with "#!comment:" lines. */
		if (!line[0] || str_starts(line, "#!comment"))
			continue;
		lower_ascii(line);
		if (blocklist_n == cap) {
			cap = cap ? cap * 2 : 4096;
			blocklist = xrealloc(blocklist,
					     cap * sizeof(*blocklist));
		}
		blocklist[blocklist_n++] = xstrdup(line);
	}
	fclose(f);
	qsort(blocklist, blocklist_n, sizeof(*blocklist), cmp_str);
	return FZ_OK;
}

static bool is_common(const char *pw)
{
	char *low = xstrdup(pw);
	bool hit;

	lower_ascii(low);
	hit = blocklist_n && bsearch(&low, blocklist, blocklist_n,
				     sizeof(*blocklist), cmp_str);
	/* A long password made of one repeated common word is still weak:
	 * also refuse those built from the site's own name. */
	if (!hit)
		hit = strstr(low, "fazhi") || strstr(low, "password") ||
		      strstr(low, "12345678") || strstr(low, "qwerty");
	free(low);
	return hit;
}

static int char_classes(const char *pw)
{
	int lower = 0, upper = 0, digit = 0, other = 0;

	for (; *pw; pw++) {
		unsigned char c = (unsigned char)*pw;

		if (c >= 'a' && c <= 'z')
			lower = 1;
		else if (c >= 'A' && c <= 'Z')
			upper = 1;
		else if (c >= '0' && c <= '9')
			digit = 1;
		else
			other = 1;
	}
	return lower + upper + digit + other;
}

static bool contains_ci(const char *hay, const char *needle)
{
	char *h, *n;
	bool hit;

	if (!needle || strlen(needle) < 3)
		return false;
	h = xstrdup(hay);
	n = xstrdup(needle);
	lower_ascii(h);
	lower_ascii(n);
	hit = strstr(h, n) != NULL;
	free(h);
	free(n);
	return hit;
}

int password_check_rules(const struct policy *p, bool staff,
			 const char *login, const char *display_name,
			 const char *pw, struct fz_err *err)
{
	size_t bytes = strlen(pw);
	size_t chars;
	int min = staff ? p->min_length_staff : p->min_length_citizen;

	if (bytes > PASSWORD_MAX_BYTES)
		return fz_fail(err, 400, "password_too_long",
			       "密码不能超过 %d 字节", PASSWORD_MAX_BYTES);
	if (!utf8_valid(pw, bytes))
		return fz_fail(err, 400, "password_invalid",
			       "密码包含无效字符");
	chars = utf8_chars(pw, bytes);
	if (chars < (size_t)min)
		return fz_fail(err, 400, "password_too_short",
			       "密码至少需要 %d 个字符", min);
	if (staff && char_classes(pw) < p->min_classes_staff)
		return fz_fail(err, 400, "password_too_simple",
			       "密码需包含大写字母、小写字母、数字、符号中的"
			       "至少 %d 类", p->min_classes_staff);
	if (is_common(pw))
		return fz_fail(err, 400, "password_common",
			       "该密码过于常见，容易被猜中，请换一个");
	if (contains_ci(pw, login) || contains_ci(pw, display_name))
		return fz_fail(err, 400, "password_contextual",
			       "密码不能包含账号名或姓名");
	return FZ_OK;
}

void password_generate(char out[21])
{
	/* No look-alike characters (0/O, 1/l/I), since people type these
	 * from a printout; one of each class is forced in. */
	static const char sets[4][27] = {
		"abcdefghijkmnopqrstuvwxyz", "ABCDEFGHJKLMNPQRSTUVWXYZ",
		"23456789", "#%+-=@_",
	};
	uint8_t rnd[20];
	int i;

	crypto_random(rnd, sizeof(rnd));
	for (i = 0; i < 20; i++) {
		const char *set = sets[i < 4 ? i : rnd[i] % 3];

		out[i] = set[rnd[(i + 7) % 20] % strlen(set)];
	}
	out[20] = '\0';
	/* Move the forced classes away from the front. */
	for (i = 0; i < 4; i++) {
		char t = out[i];
		int j = 4 + rnd[i] % 16;

		out[i] = out[j];
		out[j] = t;
	}
}
