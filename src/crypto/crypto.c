/* crypto.c: SM3, HMAC-SM3, PBKDF2-SM3, SM4, random bytes, base64, KATs
 *
 * Thin wrappers over OpenSSL 3.0 libcrypto.  Functions declared void in
 * crypto.h cannot fail for any input; if libcrypto itself breaks (the
 * default provider missing, memory exhausted) they abort, as xmalloc does.
 * crypto_selftest() runs at start-up so a broken library is found there
 * and not in the middle of a request.
 */
#include "crypto/crypto.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "core/util.h"

/* libcrypto failed where no input can make it fail: a broken invariant. */
static FZ_NORETURN void crypto_bug(const char *what)
{
	fprintf(stderr, "fatal: libcrypto failed in %s\n", what);
	abort();
}

/* ---- SM3 ---- */

struct crypto_sm3_ctx {
	EVP_MD_CTX *md;
};

/* out = SM3(p[0..n)). */
void crypto_sm3(const void *p, size_t n, uint8_t out[SM3_LEN])
{
	unsigned int len = 0;

	if (EVP_Digest(p, n, out, &len, EVP_sm3(), NULL) != 1 ||
	    len != SM3_LEN)
		crypto_bug("SM3");
}

/* Start an incremental hash; never NULL.  crypto_sm3_end() frees it. */
struct crypto_sm3_ctx *crypto_sm3_begin(void)
{
	struct crypto_sm3_ctx *c = xmalloc(sizeof(*c));

	c->md = EVP_MD_CTX_new();
	if (!c->md || EVP_DigestInit_ex(c->md, EVP_sm3(), NULL) != 1)
		crypto_bug("SM3 init");
	return c;
}

/* Feed n more bytes; n may be 0. */
void crypto_sm3_update(struct crypto_sm3_ctx *c, const void *p, size_t n)
{
	if (n && EVP_DigestUpdate(c->md, p, n) != 1)
		crypto_bug("SM3 update");
}

/* Write the digest and free the context. */
void crypto_sm3_end(struct crypto_sm3_ctx *c, uint8_t out[SM3_LEN])
{
	unsigned int len = 0;

	if (EVP_DigestFinal_ex(c->md, out, &len) != 1 || len != SM3_LEN)
		crypto_bug("SM3 final");
	EVP_MD_CTX_free(c->md);
	free(c);
}

/* ---- HMAC-SM3 and PBKDF2 ---- */

/* Fetching an algorithm takes a lock on the provider store, so the HMAC
 * method is fetched once and shared by all threads (it is immutable). */
static EVP_MAC *hmac_alg;
static pthread_once_t hmac_once = PTHREAD_ONCE_INIT;

static void hmac_fetch(void)
{
	hmac_alg = EVP_MAC_fetch(NULL, "HMAC", NULL);
}

/* out = HMAC-SM3(key, p[0..n)); any key length, including 0. */
void crypto_hmac_sm3(const void *key, size_t keylen, const void *p, size_t n,
		     uint8_t out[SM3_LEN])
{
	/* EVP_MAC_init() reads a NULL key as "keep the previous key", so an
	 * empty key must still be a valid pointer. */
	static const unsigned char nokey[1];
	static char digest[] = "SM3";
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx;
	size_t len = 0;

	pthread_once(&hmac_once, hmac_fetch);
	if (!hmac_alg)
		crypto_bug("HMAC fetch");
	if (!keylen)
		key = nokey;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						     digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	ctx = EVP_MAC_CTX_new(hmac_alg);
	if (!ctx || EVP_MAC_init(ctx, key, keylen, params) != 1 ||
	    (n && EVP_MAC_update(ctx, p, n) != 1) ||
	    EVP_MAC_final(ctx, out, &len, SM3_LEN) != 1 || len != SM3_LEN)
		crypto_bug("HMAC-SM3");
	EVP_MAC_CTX_free(ctx);
}

/* PBKDF2 (PKCS #5 v2.1) with HMAC-SM3 as the PRF; 0 on success. */
int crypto_pbkdf2_sm3(const char *pass, size_t passlen, const void *salt,
		      size_t saltlen, unsigned iterations, void *out,
		      size_t outlen)
{
	if (passlen > INT_MAX || saltlen > INT_MAX || outlen > INT_MAX ||
	    iterations < 1 || iterations > INT_MAX || !outlen)
		return FZ_ERR;
	if (PKCS5_PBKDF2_HMAC(pass, (int)passlen, salt, (int)saltlen,
			      (int)iterations, EVP_sm3(), (int)outlen,
			      out) != 1) {
		ERR_clear_error();
		return FZ_ERR;
	}
	return FZ_OK;
}

/* ---- Random bytes, comparison, cleansing ---- */

/* Fill p[0..n) from the DRBG; < 0 if it cannot deliver. */
int crypto_random(void *p, size_t n)
{
	unsigned char *s = p;

	while (n > 0) {
		int chunk = n > (1u << 30) ? (1 << 30) : (int)n;

		if (RAND_bytes(s, chunk) != 1) {
			ERR_clear_error();
			return FZ_ERR;
		}
		s += chunk;
		n -= (size_t)chunk;
	}
	return FZ_OK;
}

/* `out` holds at least 2n + 1 bytes. */
int crypto_random_hex(char *out, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char tmp[32];
	size_t i, chunk;

	while (n > 0) {
		chunk = n < sizeof(tmp) ? n : sizeof(tmp);
		if (crypto_random(tmp, chunk)) {
			crypto_cleanse(tmp, sizeof(tmp));
			return FZ_ERR;
		}
		for (i = 0; i < chunk; i++) {
			*out++ = digits[tmp[i] >> 4];
			*out++ = digits[tmp[i] & 15];
		}
		n -= chunk;
	}
	*out = '\0';
	crypto_cleanse(tmp, sizeof(tmp));
	return FZ_OK;
}

/* true when a[0..n) == b[0..n); the time taken does not depend on where
 * they differ. */
bool crypto_equal(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

/* Unlike memset, OPENSSL_cleanse is not optimised away before free(). */
void crypto_cleanse(void *p, size_t n)
{
	if (p && n)
		OPENSSL_cleanse(p, n);
}

/* ---- SM4 ---- */

/* Run `cipher` over n bytes; in == out is allowed (EVP permits exact
 * overlap).  EVP counts in int, so long inputs go in pieces. */
static int sm4_run(const EVP_CIPHER *cipher, const uint8_t *key,
		   const uint8_t *iv, const void *in, size_t n, void *out)
{
	const unsigned char *i = in;
	unsigned char *o = out, tail[16];
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int len, rc = FZ_ERR;

	if (!c || !cipher ||
	    EVP_EncryptInit_ex(c, cipher, NULL, key, iv) != 1 ||
	    EVP_CIPHER_CTX_set_padding(c, 0) != 1)
		goto out;
	while (n > 0) {
		int chunk = n > (1u << 30) ? (1 << 30) : (int)n;

		if (EVP_EncryptUpdate(c, o, &len, i, chunk) != 1 ||
		    len != chunk)
			goto out;
		i += chunk;
		o += chunk;
		n -= (size_t)chunk;
	}
	if (EVP_EncryptFinal_ex(c, tail, &len) != 1 || len != 0)
		goto out;
	rc = FZ_OK;
out:
	if (rc)
		ERR_clear_error();
	EVP_CIPHER_CTX_free(c);
	return rc;
}

/* out = SM4-CTR(key, iv, in), the 16-byte iv being the initial counter
 * block (big-endian increment).  Encrypts and decrypts; in == out is
 * allowed.  0 on success. */
int crypto_sm4_ctr(const uint8_t key[SM4_KEY_LEN], const uint8_t iv[16],
		   const void *in, size_t n, void *out)
{
	return sm4_run(EVP_sm4_ctr(), key, iv, in, n, out);
}

/* Encrypt one block with SM4 (ECB); 0 on success. */
int crypto_sm4_block(const uint8_t key[SM4_KEY_LEN], const uint8_t in[16],
		     uint8_t out[16])
{
	return sm4_run(EVP_sm4_ecb(), key, NULL, in, 16, out);
}

/* ---- Base64 ---- */

static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Append the padded base64 (RFC 4648 section 4) of p[0..n) to out. */
void crypto_b64_encode(struct buf *out, const void *p, size_t n)
{
	const unsigned char *s = p;
	char chunk[256];
	size_t used = 0;
	uint32_t v;

	buf_add(out, "", 0);
	while (n > 0) {
		v = (uint32_t)s[0] << 16;
		if (n > 1)
			v |= (uint32_t)s[1] << 8;
		if (n > 2)
			v |= s[2];
		chunk[used++] = b64_alphabet[v >> 18];
		chunk[used++] = b64_alphabet[(v >> 12) & 63];
		chunk[used++] = n > 1 ? b64_alphabet[(v >> 6) & 63] : '=';
		chunk[used++] = n > 2 ? b64_alphabet[v & 63] : '=';
		s += n > 2 ? 3 : n;
		n -= n > 2 ? 3 : n;
		if (used == sizeof(chunk) || n == 0) {
			buf_add(out, chunk, used);
			used = 0;
		}
	}
}

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Decode one group of four characters into 1 to 3 bytes; `last` allows
 * padding.  Returns the byte count or -1.  Unused bits must be zero, so
 * that every byte string has exactly one encoding: a sealed value whose
 * text was changed in any character must not decode to the same bytes. */
static int b64_quad(const char *s, bool last, unsigned char *o)
{
	int a = b64_value((unsigned char)s[0]);
	int b = b64_value((unsigned char)s[1]);
	int c = b64_value((unsigned char)s[2]);
	int d = b64_value((unsigned char)s[3]);

	if (a < 0 || b < 0)
		return -1;
	o[0] = (unsigned char)(a << 2 | b >> 4);
	if (last && s[2] == '=' && s[3] == '=')
		return (b & 15) ? -1 : 1;
	if (c < 0)
		return -1;
	o[1] = (unsigned char)((b & 15) << 4 | c >> 2);
	if (last && s[3] == '=')
		return (c & 3) ? -1 : 2;
	if (d < 0)
		return -1;
	o[2] = (unsigned char)((c & 3) << 6 | d);
	return 3;
}

/* Strict decoder: no whitespace, padding required, canonical encoding
 * only.  Appends to `out`; on bad input `out` is left as it was. */
int crypto_b64_decode(struct buf *out, const char *s, size_t n)
{
	size_t start = out->len, i;
	unsigned char o[3];
	int k;

	if (n % 4)
		return FZ_ERR;
	for (i = 0; i < n; i += 4) {
		k = b64_quad(s + i, i + 4 == n, o);
		if (k < 0)
			goto fail;
		buf_add(out, o, (size_t)k);
	}
	buf_add(out, "", 0);
	if (buf_err(out))
		goto fail;
	return FZ_OK;
fail:
	if (out->data && out->len >= start) {
		out->len = start;
		out->data[start] = '\0';
	}
	return FZ_ERR;
}

/* ---- Known-answer self-tests ---- */

static int kat_fault(void)
{
#ifdef FAZHI_TEST_HOOKS
	const char *f = getenv("FAZHI_FAULT");

	return f && strstr(f, "kat") != NULL;
#else
	return 0;
#endif
}

/* Decode exactly `n` bytes of hex from a trusted constant. */
static void unhex(const char *hex, uint8_t *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = (uint8_t)(hex_digit(hex[2 * i]) << 4 |
				   hex_digit(hex[2 * i + 1]));
}

/* Compare `got` with the expected hex.  The fault hook spoils the
 * expectation, so a failing comparison (not a skipped test) is what the
 * caller sees. */
static int kat_check(const uint8_t *got, const char *want_hex, size_t n)
{
	uint8_t want[64];

	if (n > sizeof(want) || strlen(want_hex) != 2 * n)
		return FZ_ERR;
	unhex(want_hex, want, n);
	if (kat_fault())
		want[0] ^= 1;
	return memcmp(got, want, n) ? FZ_ERR : FZ_OK;
}

/* GB/T 32905-2016 Appendix A.1. */
static int kat_sm3_abc(void)
{
	uint8_t md[SM3_LEN];

	crypto_sm3("abc", 3, md);
	return kat_check(md, "66c7f0f462eeedd9d1f2d46bdc10e4e2"
			     "4167c4875cf2f7a2297da02b8f4ba8e0", SM3_LEN);
}

static const char sm3_a2_want[] =
	"debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732";

static void sm3_a2_message(char msg[65])
{
	int i;

	for (i = 0; i < 16; i++)
		memcpy(msg + 4 * i, "abcd", 4);
	msg[64] = '\0';
}

/* GB/T 32905-2016 Appendix A.2: "abcd" sixteen times. */
static int kat_sm3_abcd(void)
{
	uint8_t md[SM3_LEN];
	char msg[65];

	sm3_a2_message(msg);
	crypto_sm3(msg, 64, md);
	return kat_check(md, sm3_a2_want, SM3_LEN);
}

/* The same vector through the incremental interface, split unevenly. */
static int kat_sm3_incremental(void)
{
	struct crypto_sm3_ctx *c = crypto_sm3_begin();
	uint8_t md[SM3_LEN];
	char msg[65];

	sm3_a2_message(msg);
	crypto_sm3_update(c, msg, 1);
	crypto_sm3_update(c, msg + 1, 0);
	crypto_sm3_update(c, msg + 1, 7);
	crypto_sm3_update(c, msg + 8, 56);
	crypto_sm3_end(c, md);
	return kat_check(md, sm3_a2_want, SM3_LEN);
}

/* GB/T 32907-2016 Appendix A.1: key = plaintext. */
static int kat_sm4_block(void)
{
	uint8_t key[16], out[16];

	unhex("0123456789abcdeffedcba9876543210", key, 16);
	if (crypto_sm4_block(key, key, out))
		return FZ_ERR;
	return kat_check(out, "681edf34d206965e86b3e94f536e4246", 16);
}

/* No standard vector exists for SM4-CTR; this one was made with
 *   printf 'The quick brown fox jumps over the lazy dog' |
 *   openssl enc -sm4-ctr -K 0123456789abcdeffedcba9876543210 \
 *	-iv 000102030405060708090a0b0c0d0e0f | xxd -p
 * (OpenSSL 3.0).  43 bytes: two whole blocks and a partial one. */
static int kat_sm4_ctr(void)
{
	static const char msg[] = "The quick brown fox jumps over the lazy dog";
	uint8_t key[16], iv[16], ct[sizeof(msg)], back[sizeof(msg)];
	size_t n = sizeof(msg) - 1;

	unhex("0123456789abcdeffedcba9876543210", key, 16);
	unhex("000102030405060708090a0b0c0d0e0f", iv, 16);
	if (crypto_sm4_ctr(key, iv, msg, n, ct) ||
	    kat_check(ct, "52f0f9414cd301ce41ad95f08edf974a0968756b2ad691"
			  "71a9b17c93e4728d6e74bf728cab558e4e66821e", n))
		return FZ_ERR;
	if (crypto_sm4_ctr(key, iv, ct, n, back) || memcmp(back, msg, n))
		return FZ_ERR;
	return FZ_OK;
}

/* Made with the openssl 3.0 command line:
 *   openssl mac -digest SM3 -macopt hexkey:000102...1e1f \
 *	-in <(printf 'Sample message for keylen=blocklen') HMAC
 *   openssl mac -digest SM3 -macopt key:key \
 *	-in <(printf 'The quick brown fox jumps over the lazy dog') HMAC */
static int kat_hmac_sm3(void)
{
	static const char m1[] = "Sample message for keylen=blocklen";
	static const char m2[] = "The quick brown fox jumps over the lazy dog";
	uint8_t key[32], mac[SM3_LEN];
	int i;

	for (i = 0; i < 32; i++)
		key[i] = (uint8_t)i;
	crypto_hmac_sm3(key, sizeof(key), m1, sizeof(m1) - 1, mac);
	if (kat_check(mac, "402c75d7f8e4473d97bb9a651d4610446d0d6443ded6da"
			   "6405c979ab3e8c097c", SM3_LEN))
		return FZ_ERR;
	crypto_hmac_sm3("key", 3, m2, sizeof(m2) - 1, mac);
	return kat_check(mac, "bd4a34077888162b210645b8ebf74b9af35730378935"
			      "7a27c7fc457244ebd398", SM3_LEN);
}

/* Made with the openssl 3.0 command line:
 *   openssl kdf -keylen 32 -kdfopt digest:SM3 -kdfopt pass:password \
 *	-kdfopt salt:salt -kdfopt iter:1000 PBKDF2
 *   openssl kdf -keylen 48 -kdfopt digest:SM3 -kdfopt pass:password \
 *	-kdfopt salt:NaCl-fazhi -kdfopt iter:1000 PBKDF2
 * The second output spans two PRF blocks. */
static int kat_pbkdf2_sm3(void)
{
	uint8_t dk[48];

	if (crypto_pbkdf2_sm3("password", 8, "salt", 4, 1000, dk, 32) ||
	    kat_check(dk, "e8b635a41dfe5aaab7cf828cff6f3608e22cac59ba16ed"
			  "d70e000b293d00bc91", 32))
		return FZ_ERR;
	if (crypto_pbkdf2_sm3("password", 8, "NaCl-fazhi", 10, 1000, dk, 48))
		return FZ_ERR;
	return kat_check(dk, "cd54e510e158c1d8ba19ec09e84947f0a03c22392d24"
			     "742c73882828a2ddd2b7209ac57d7e71f5e8e7c4f750"
			     "381448ce", 48);
}

/* 0 when `sig` verifies over `msg` under the public key `pem`, and a
 * copy of `msg` with its first byte changed does not. */
static int sm2_verify_pair(const char *pem, const char *msg, const char *sig)
{
	struct sm2_key *k;
	char err[128], *bad;
	size_t n = strlen(msg);
	int rc = FZ_ERR;

	k = sm2_load_public(pem, strlen(pem), err, sizeof(err));
	if (!k)
		return FZ_ERR;
	bad = xstrdup(msg);
	bad[0] ^= 1;
	if (!sm2_verify(k, msg, n, sig) && sm2_verify(k, bad, n, sig))
		rc = FZ_OK;
	free(bad);
	sm2_free(k);
	return rc;
}

/* GM/T 0003.5-2012 (GB/T 32918.5-2017) Appendix A: the signature example
 * on the recommended curve, user id "1234567812345678", message "message
 * digest", r = F5A03B06...EEE720B3, s = B1B6AA29...85BBC1AA.  The public
 * key below is that example's point (09F9DF31..., CCEA490C...) wrapped in
 * a SubjectPublicKeyInfo; the signature is (r, s) in DER.  Both were
 * checked with `openssl pkeyutl -verify -rawin -digest sm3 -pkeyopt
 * distid:1234567812345678`, which fails without the distid. */
static const char gmt_pub_pem[] =
	"-----BEGIN PUBLIC KEY-----\n"
	"MFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAECfnfMR5UIaFQ3X0WHkvFxnIXn60Y\n"
	"M/wHa7CP81bzUCDM6kkM4md1pS3G6nGMwapgCu0F+/NeCEpmMvYHLamtEw==\n"
	"-----END PUBLIC KEY-----\n";
static const char gmt_sig[] =
	"MEYCIQD1oDsGSNLEYw7qxRPhu4GhWUTaOCfVt0FDrH6s7ucgswIhALG2qinfIS/Y"
	"djGCvA1CHKG7kDj9H39C1IQLacSFu8Gq";

static int kat_sm2_gmt(void)
{
	return sm2_verify_pair(gmt_pub_pem, "message digest", gmt_sig);
}

/* A key pair made once with `openssl genpkey -algorithm SM2`, and a
 * signature made with
 *   openssl pkeyutl -sign -inkey k.pem -rawin -in msg -digest sm3 \
 *	-pkeyopt distid:1234567812345678 | base64 -w0
 * It guards against a change of the id or of the Z computation between
 * library versions. */
static const char cli_pub_pem[] =
	"-----BEGIN PUBLIC KEY-----\n"
	"MFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAEQeu4OVcYKN6Gk+XRl2jnRyEfP1yh\n"
	"YzQ8aSCR8XHmlZGTggg+iyNeI26K8EScmDNCXwu8A80ShI8KD6+ALeWnLA==\n"
	"-----END PUBLIC KEY-----\n";
static const char cli_sig[] =
	"MEUCIQCgACG4nkNBEZVkjDVJn4sztJ/FR+tKwNYqkAUpOhPKPwIgI6RIZqr7RQSP"
	"bTmNVSg69YsW3UFsqncCZ5sRoLmdnEM=";

static int kat_sm2_fixed(void)
{
	return sm2_verify_pair(cli_pub_pem, "Fazhi SM2 known-answer message",
			       cli_sig);
}

/* Pair-wise consistency: a fresh key signs, the private and the public
 * key both verify, and an altered message is rejected. */
static int kat_sm2_roundtrip(void)
{
	static const char msg[] = "sign-then-verify";
	struct buf priv = BUF_INIT, pub = BUF_INIT, sig = BUF_INIT;
	struct sm2_key *k = NULL, *kp = NULL;
	char err[128];
	int rc = FZ_ERR;

	if (sm2_generate(&priv, &pub))
		goto out;
	k = sm2_load_private(priv.data, priv.len, err, sizeof(err));
	kp = sm2_load_public(pub.data, pub.len, err, sizeof(err));
	if (!k || !kp || sm2_sign(k, msg, sizeof(msg) - 1, &sig))
		goto out;
	if (!sm2_verify(k, msg, sizeof(msg) - 1, buf_cstr(&sig)) &&
	    !sm2_verify(kp, msg, sizeof(msg) - 1, buf_cstr(&sig)) &&
	    sm2_verify(kp, msg, sizeof(msg) - 2, buf_cstr(&sig)))
		rc = FZ_OK;
out:
	sm2_free(k);
	sm2_free(kp);
	crypto_cleanse(priv.data, priv.cap);
	buf_release(&priv);
	buf_release(&pub);
	buf_release(&sig);
	return rc;
}

/* RFC 4648 section 10 vector, and the decoder's strictness. */
static int kat_base64(void)
{
	struct buf b = BUF_INIT;
	int rc = FZ_ERR;

	crypto_b64_encode(&b, "foobar", 6);
	crypto_b64_encode(&b, "fo", 2);
	if (!str_eq(buf_cstr(&b), "Zm9vYmFyZm8="))
		goto out;
	buf_reset(&b);
	if (crypto_b64_decode(&b, "Zm9vYmE=", 8) ||
	    !str_eq(buf_cstr(&b), "fooba"))
		goto out;
	if (!crypto_b64_decode(&b, "Zm9=", 4) ||
	    !crypto_b64_decode(&b, "Zm9vY", 5) ||
	    !crypto_b64_decode(&b, "Zm=v", 4) || b.len != 5)
		goto out;
	rc = FZ_OK;
out:
	buf_release(&b);
	return rc;
}

/* The generator answers, and two outputs differ. */
static int kat_random(void)
{
	uint8_t a[32], b[32];

	if (crypto_random(a, sizeof(a)) || crypto_random(b, sizeof(b)))
		return FZ_ERR;
	return memcmp(a, b, sizeof(a)) ? FZ_OK : FZ_ERR;
}

static const struct {
	const char *name;
	int (*run)(void);
} kats[] = {
	{ "SM3 GB/T 32905-2016 A.1", kat_sm3_abc },
	{ "SM3 GB/T 32905-2016 A.2", kat_sm3_abcd },
	{ "SM3 incremental", kat_sm3_incremental },
	{ "SM4 GB/T 32907-2016 A.1", kat_sm4_block },
	{ "SM4-CTR", kat_sm4_ctr },
	{ "HMAC-SM3", kat_hmac_sm3 },
	{ "PBKDF2-HMAC-SM3", kat_pbkdf2_sm3 },
	{ "SM2 GM/T 0003.5-2012 A verify", kat_sm2_gmt },
	{ "SM2 fixed signature verify", kat_sm2_fixed },
	{ "SM2 sign/verify round trip", kat_sm2_roundtrip },
	{ "base64", kat_base64 },
	{ "random", kat_random },
};

/* Run every KAT in order; stop at the first failure and name it in
 * what (which is emptied on success). */
int crypto_selftest(char *what, size_t whatlen)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kats); i++) {
		if (kats[i].run() == FZ_OK)
			continue;
		ERR_clear_error();
		if (what && whatlen)
			snprintf(what, whatlen, "%s", kats[i].name);
		return FZ_ERR;
	}
	if (what && whatlen)
		what[0] = '\0';
	return FZ_OK;
}
