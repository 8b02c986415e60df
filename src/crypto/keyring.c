/* keyring.c: field encryption of personal data (SM4-CTR + HMAC-SM3)
 *
 * The keyring is the key provider's item "datakeys", a small text file:
 *
 *	fazhi-datakeys 1
 *	index <64 hex digits: the 32-byte blind-index key>
 *	key k1 <96 hex digits: 16 bytes SM4 key, then 32 bytes MAC key>
 *	key k2 <...>
 *
 * Keys are listed oldest first; the last one is active.  Rotation appends
 * a key and keeps the old ones, so old ciphertexts still open; the index
 * key never changes, or searches would stop finding old rows.
 *
 * A sealed value is "fz1.<kid>.<base64(iv || ct || mac)>" with a fresh
 * random 16-byte IV, ct = SM4-CTR(enckey, iv, plain) and
 * mac = HMAC-SM3(mackey, "fz1.<kid>." || iv || ct): encrypt-then-MAC,
 * with the version and key id under the MAC as well.
 */
#include "crypto/crypto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

#define DATAKEYS_ITEM "datakeys"
#define DATAKEYS_MAGIC "fazhi-datakeys 1"
#define SEAL_PREFIX "fz1."
#define KID_MAX 16
#define KEYS_MAX 4096
#define IV_LEN 16
#define MACKEY_LEN 32
#define INDEXKEY_LEN 32
/* Bound on a sealed value's plaintext; personal data fields are short. */
#define SEAL_MAX ((size_t)4 << 20)

struct data_key {
	char kid[KID_MAX + 1];
	uint8_t enc[SM4_KEY_LEN];
	uint8_t mac[MACKEY_LEN];
};

struct keyring {
	struct data_key *keys;	/* oldest first; keys[n - 1] is active */
	size_t n;
	uint8_t index[INDEXKEY_LEN];
};

static bool kid_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static bool kid_ok(const char *s, size_t n)
{
	size_t i;

	if (n < 1 || n > KID_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!kid_char(s[i]))
			return false;
	return true;
}

/* Decode exactly 2n hex digits s[0..slen) into n bytes. */
static int unhex(const char *s, size_t slen, uint8_t *out, size_t n)
{
	size_t i;
	int hi, lo;

	if (slen != 2 * n)
		return FZ_ERR;
	for (i = 0; i < n; i++) {
		hi = hex_digit(s[2 * i]);
		lo = hex_digit(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return FZ_ERR;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return FZ_OK;
}

static char *put_hex(char *o, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		*o++ = digits[p[i] >> 4];
		*o++ = digits[p[i] & 15];
	}
	return o;
}

static const struct data_key *find_key(const struct keyring *kr,
				       const char *kid, size_t n)
{
	size_t i;

	for (i = 0; i < kr->n; i++)
		if (strlen(kr->keys[i].kid) == n &&
		    !memcmp(kr->keys[i].kid, kid, n))
			return &kr->keys[i];
	return NULL;
}

static struct data_key *add_key(struct keyring *kr)
{
	kr->keys = xrealloc(kr->keys, (kr->n + 1) * sizeof(*kr->keys));
	memset(&kr->keys[kr->n], 0, sizeof(*kr->keys));
	return &kr->keys[kr->n++];
}

/* Cleanse and free the keyring; NULL is fine. */
void keyring_free(struct keyring *kr)
{
	if (!kr)
		return;
	crypto_cleanse(kr->keys, kr->n * sizeof(*kr->keys));
	free(kr->keys);
	crypto_cleanse(kr, sizeof(*kr));
	free(kr);
}

/* "key <kid> <96 hex>" */
static int parse_key_line(struct keyring *kr, const char *s, size_t n)
{
	uint8_t raw[SM4_KEY_LEN + MACKEY_LEN];
	const char *sp = memchr(s, ' ', n);
	struct data_key *k;
	size_t kidlen;
	int rc;

	if (!sp || kr->n >= KEYS_MAX)
		return FZ_ERR;
	kidlen = (size_t)(sp - s);
	if (!kid_ok(s, kidlen) || find_key(kr, s, kidlen))
		return FZ_ERR;
	rc = unhex(sp + 1, n - kidlen - 1, raw, sizeof(raw));
	if (!rc) {
		k = add_key(kr);
		memcpy(k->kid, s, kidlen);
		memcpy(k->enc, raw, SM4_KEY_LEN);
		memcpy(k->mac, raw + SM4_KEY_LEN, MACKEY_LEN);
	}
	crypto_cleanse(raw, sizeof(raw));
	return rc;
}

/* Parse the item's text; 0 on success, else the failing line number. */
static size_t parse_keyring(struct keyring *kr, const char *s, size_t len)
{
	const char *end = s + len, *eol;
	bool have_index = false;
	size_t lineno = 0, n;

	while (s < end) {
		eol = memchr(s, '\n', (size_t)(end - s));
		if (!eol)
			eol = end;
		n = (size_t)(eol - s);
		lineno++;
		if (lineno == 1) {
			if (n != strlen(DATAKEYS_MAGIC) ||
			    memcmp(s, DATAKEYS_MAGIC, n))
				return lineno;
		} else if (n > 6 && !memcmp(s, "index ", 6) && !have_index) {
			if (unhex(s + 6, n - 6, kr->index, INDEXKEY_LEN))
				return lineno;
			have_index = true;
		} else if (n > 4 && !memcmp(s, "key ", 4)) {
			if (parse_key_line(kr, s + 4, n - 4))
				return lineno;
		} else {
			return lineno;
		}
		s = eol + 1;
	}
	if (!have_index || !kr->n)
		return lineno + 1;
	return 0;
}

/* Load the keyring from the "datakeys" item; NULL and a message in err on
 * failure.  The caller frees it with keyring_free(). */
struct keyring *keyring_load(struct key_provider *kp, char *err,
			     size_t errlen)
{
	struct buf b = BUF_INIT;
	struct keyring *kr;
	size_t bad;

	if (kp->read(kp, DATAKEYS_ITEM, &b, err, errlen)) {
		crypto_cleanse(b.data, b.cap);
		buf_release(&b);
		return NULL;
	}
	kr = xcalloc(1, sizeof(*kr));
	bad = parse_keyring(kr, buf_cstr(&b), b.len);
	crypto_cleanse(b.data, b.cap);
	buf_release(&b);
	if (bad) {
		if (err && errlen)
			snprintf(err, errlen, "key item '%s' is malformed at "
				 "line %zu", DATAKEYS_ITEM, bad);
		keyring_free(kr);
		return NULL;
	}
	return kr;
}

/* Write the keyring back through the provider.  The text is built in one
 * exactly sized allocation and cleansed afterwards. */
static int keyring_save(struct key_provider *kp, const struct keyring *kr)
{
	size_t cap = sizeof(DATAKEYS_MAGIC) + 6 + 2 * INDEXKEY_LEN + 1 +
		     kr->n * (4 + KID_MAX + 1 +
			      2 * (SM4_KEY_LEN + MACKEY_LEN) + 1);
	char *text = xmalloc(cap), *o = text;
	size_t i, kidlen;
	int rc;

	memcpy(o, DATAKEYS_MAGIC "\nindex ", sizeof(DATAKEYS_MAGIC) + 6);
	o += sizeof(DATAKEYS_MAGIC) + 6;
	o = put_hex(o, kr->index, INDEXKEY_LEN);
	*o++ = '\n';
	for (i = 0; i < kr->n; i++) {
		kidlen = strlen(kr->keys[i].kid);
		memcpy(o, "key ", 4);
		memcpy(o + 4, kr->keys[i].kid, kidlen);
		o += 4 + kidlen;
		*o++ = ' ';
		o = put_hex(o, kr->keys[i].enc, SM4_KEY_LEN);
		o = put_hex(o, kr->keys[i].mac, MACKEY_LEN);
		*o++ = '\n';
	}
	rc = kp->write(kp, DATAKEYS_ITEM, text, (size_t)(o - text));
	crypto_cleanse(text, cap);
	free(text);
	return rc;
}

static int fresh_key(struct keyring *kr, const char *kid)
{
	struct data_key *k = add_key(kr);

	snprintf(k->kid, sizeof(k->kid), "%s", kid);
	if (crypto_random(k->enc, sizeof(k->enc)) ||
	    crypto_random(k->mac, sizeof(k->mac)))
		return error("no random bytes for a data key");
	return FZ_OK;
}

/* Create "datakeys" with a new index key and one data key "k1"; fails if
 * the item already exists. */
int keyring_create(struct key_provider *kp)
{
	struct keyring *kr;
	int rc;

	if (kp->exists(kp, DATAKEYS_ITEM))
		return error("key item '%s' already exists", DATAKEYS_ITEM);
	kr = xcalloc(1, sizeof(*kr));
	rc = crypto_random(kr->index, sizeof(kr->index));
	if (rc)
		error("no random bytes for the index key");
	if (!rc)
		rc = fresh_key(kr, "k1");
	if (!rc)
		rc = keyring_save(kp, kr);
	keyring_free(kr);
	return rc;
}

/* Ids are "k<N>"; the next is one past the largest N in use. */
static void next_kid(const struct keyring *kr, char kid[KID_MAX + 1])
{
	int64_t v, max = 0;
	char tmp[32];
	size_t i;

	for (i = 0; i < kr->n; i++)
		if (kr->keys[i].kid[0] == 'k' &&
		    !parse_int64(kr->keys[i].kid + 1, 1, INT32_MAX, &v) &&
		    v > max)
			max = v;
	/* max + 1 <= 2^31, so the id has at most 11 characters. */
	do
		snprintf(tmp, sizeof(tmp), "k%lld", (long long)++max);
	while (find_key(kr, tmp, strlen(tmp)));
	memcpy(kid, tmp, strlen(tmp) + 1);
}

/* Append a fresh active key; old keys stay so old ciphertexts open.  The
 * new id is written to kid_out when it is given. */
int keyring_rotate(struct key_provider *kp, char *kid_out, size_t kidlen)
{
	char err[256], kid[KID_MAX + 1];
	struct keyring *kr = keyring_load(kp, err, sizeof(err));
	int rc;

	if (!kr)
		return error("%s", err);
	next_kid(kr, kid);
	if (kid_out && kidlen <= strlen(kid)) {
		keyring_free(kr);
		return error("no room for the key id");
	}
	rc = fresh_key(kr, kid);
	if (!rc)
		rc = keyring_save(kp, kr);
	if (!rc && kid_out)
		snprintf(kid_out, kidlen, "%s", kid);
	keyring_free(kr);
	return rc;
}

/* Id of the key new seals use (the newest). */
const char *keyring_active_id(const struct keyring *kr)
{
	return kr && kr->n ? kr->keys[kr->n - 1].kid : NULL;
}

/* mac = HMAC-SM3(k->mac, prefix || body) */
static void seal_mac(const struct data_key *k, const char *prefix,
		     size_t plen, const uint8_t *body, size_t blen,
		     uint8_t mac[SM3_LEN])
{
	uint8_t *msg = xmalloc(plen + blen);

	memcpy(msg, prefix, plen);
	memcpy(msg + plen, body, blen);
	crypto_hmac_sm3(k->mac, sizeof(k->mac), msg, plen + blen, mac);
	free(msg);
}

/* Encrypt plain[0..n) under the active key and append the sealed text
 * to `out`.  0 on success. */
int crypto_seal(const struct keyring *kr, const char *plain, size_t n,
		struct buf *out)
{
	const struct data_key *k;
	char prefix[sizeof(SEAL_PREFIX) + KID_MAX + 1];
	uint8_t *blob;
	size_t plen, start = out->len;
	int rc = FZ_ERR;

	if (!kr || !kr->n || (n && !plain) || n > SEAL_MAX)
		return FZ_ERR;
	k = &kr->keys[kr->n - 1];
	plen = (size_t)snprintf(prefix, sizeof(prefix), SEAL_PREFIX "%s.",
				k->kid);
	blob = xmalloc(IV_LEN + n + SM3_LEN);
	if (crypto_random(blob, IV_LEN) ||
	    crypto_sm4_ctr(k->enc, blob, plain, n, blob + IV_LEN))
		goto out;
	seal_mac(k, prefix, plen, blob, IV_LEN + n, blob + IV_LEN + n);
	buf_add(out, prefix, plen);
	crypto_b64_encode(out, blob, IV_LEN + n + SM3_LEN);
	if (!buf_err(out))
		rc = FZ_OK;
	else if (out->data && out->len >= start) {
		out->len = start;
		out->data[start] = '\0';
	}
out:
	free(blob);
	return rc;
}

/* Replace the contents of `out` with the plaintext of `sealed`.  The MAC
 * is checked (in constant time) before anything is decrypted.  < 0 when
 * the text was altered, names an unknown key or is malformed; `out` is
 * then empty. */
int crypto_open(const struct keyring *kr, const char *sealed,
		struct buf *out)
{
	const struct data_key *k;
	const char *kid, *dot;
	struct buf blob = BUF_INIT;
	uint8_t mac[SM3_LEN], *plain = NULL;
	size_t ctlen, plen;
	int rc = FZ_ERR;

	buf_reset(out);
	if (!kr || !sealed || !str_starts(sealed, SEAL_PREFIX))
		return FZ_ERR;
	kid = sealed + strlen(SEAL_PREFIX);
	dot = strchr(kid, '.');
	if (!dot || !kid_ok(kid, (size_t)(dot - kid)))
		return FZ_ERR;
	k = find_key(kr, kid, (size_t)(dot - kid));
	if (!k)
		return FZ_ERR;
	plen = (size_t)(dot + 1 - sealed);
	if (crypto_b64_decode(&blob, dot + 1, strlen(dot + 1)) ||
	    blob.len < IV_LEN + SM3_LEN)
		goto out;
	ctlen = blob.len - IV_LEN - SM3_LEN;
	seal_mac(k, sealed, plen, (uint8_t *)blob.data, IV_LEN + ctlen, mac);
	if (!crypto_equal(mac, blob.data + IV_LEN + ctlen, SM3_LEN))
		goto out;
	plain = xmalloc(ctlen + 1);
	if (crypto_sm4_ctr(k->enc, (uint8_t *)blob.data,
			   blob.data + IV_LEN, ctlen, plain))
		goto out;
	buf_add(out, plain, ctlen);
	if (buf_err(out))
		goto out;
	rc = FZ_OK;
out:
	if (rc)
		buf_reset(out);
	if (plain) {
		crypto_cleanse(plain, ctlen);
		free(plain);
	}
	buf_release(&blob);
	return rc;
}

/* out = hex(HMAC-SM3(index key, value)).  The caller normalises the value
 * (trim, case, full-width digits) so equal data gives equal indexes. */
void crypto_blind_index(const struct keyring *kr, const char *value,
			char out[65])
{
	uint8_t mac[SM3_LEN];

	if (!value)
		value = "";
	crypto_hmac_sm3(kr->index, sizeof(kr->index), value, strlen(value),
			mac);
	*put_hex(out, mac, sizeof(mac)) = '\0';
}
