/* test_crypto.c: SM2/SM3/SM4 vectors, field encryption and key files */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "core/buf.h"
#include "core/util.h"
#include "crypto/crypto.h"

#include "fixtures.h"

static char tmpdir[] = "/tmp/fz-test-crypto-XXXXXX";

static void hex(const void *p, size_t n, char *out)
{
	struct buf b = BUF_INIT;

	buf_hex(&b, p, n);
	memcpy(out, buf_cstr(&b), 2 * n + 1);
	buf_release(&b);
}

static void unhex(const char *s, uint8_t *out)
{
	size_t i, n = strlen(s) / 2;
	unsigned v;

	for (i = 0; i < n; i++) {
		assert_int_equal(sscanf(s + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

static char *key_path(const char *data, const char *item)
{
	return xasprintf("%s/%s/keys/%s", tmpdir, data, item);
}

/* ---- SM3, SM4, HMAC, PBKDF2 ---- */

static void test_sm3_gbt32905_vectors(void **state)
{
	struct crypto_sm3_ctx *c;
	uint8_t md[SM3_LEN];
	char msg[65], h[65];
	int i;

	(void)state;
	crypto_sm3("abc", 3, md);
	hex(md, SM3_LEN, h);
	assert_string_equal(h, "66c7f0f462eeedd9d1f2d46bdc10e4e2"
			       "4167c4875cf2f7a2297da02b8f4ba8e0");
	for (i = 0; i < 16; i++)
		memcpy(msg + 4 * i, "abcd", 4);
	msg[64] = '\0';
	crypto_sm3(msg, 64, md);
	hex(md, SM3_LEN, h);
	assert_string_equal(h, "debe9ff92275b8a138604889c18e5a4d"
			       "6fdb70e5387e5765293dcba39c0c5732");
	c = crypto_sm3_begin();
	for (i = 0; i < 64; i++)
		crypto_sm3_update(c, msg + i, 1);
	crypto_sm3_end(c, md);
	hex(md, SM3_LEN, h);
	assert_string_equal(h, "debe9ff92275b8a138604889c18e5a4d"
			       "6fdb70e5387e5765293dcba39c0c5732");
}

static void test_sm4_gbt32907_vector(void **state)
{
	uint8_t key[16], out[16];
	char h[33];

	(void)state;
	unhex("0123456789abcdeffedcba9876543210", key);
	assert_int_equal(crypto_sm4_block(key, key, out), 0);
	hex(out, 16, h);
	assert_string_equal(h, "681edf34d206965e86b3e94f536e4246");
}

static void test_sm4_ctr(void **state)
{
	static const char fox[] = "The quick brown fox jumps over the lazy dog";
	uint8_t key[16], iv[16], buf[1000], orig[1000], ct[64];
	char h[129];

	(void)state;
	/* openssl enc -sm4-ctr -K 0123...3210 -iv 0001...0e0f */
	unhex("0123456789abcdeffedcba9876543210", key);
	unhex("000102030405060708090a0b0c0d0e0f", iv);
	assert_int_equal(crypto_sm4_ctr(key, iv, fox, 43, ct), 0);
	hex(ct, 43, h);
	assert_string_equal(h, "52f0f9414cd301ce41ad95f08edf974a0968756b2a"
			       "d69171a9b17c93e4728d6e74bf728cab558e4e66821e");

	/* In place, and back again. */
	assert_int_equal(crypto_random(key, sizeof(key)), 0);
	assert_int_equal(crypto_random(iv, sizeof(iv)), 0);
	assert_int_equal(crypto_random(orig, sizeof(orig)), 0);
	memcpy(buf, orig, sizeof(buf));
	assert_int_equal(crypto_sm4_ctr(key, iv, buf, sizeof(buf), buf), 0);
	assert_memory_not_equal(buf, orig, sizeof(buf));
	assert_int_equal(crypto_sm4_ctr(key, iv, buf, sizeof(buf), buf), 0);
	assert_memory_equal(buf, orig, sizeof(buf));
	assert_int_equal(crypto_sm4_ctr(key, iv, NULL, 0, NULL), 0);
}

static void test_hmac_sm3_kat(void **state)
{
	static const char m1[] = "Sample message for keylen=blocklen";
	static const char m2[] = "The quick brown fox jumps over the lazy dog";
	uint8_t key[32], mac[SM3_LEN];
	char h[65];
	int i;

	(void)state;
	/* openssl mac -digest SM3 -macopt hexkey:0001..1f HMAC */
	for (i = 0; i < 32; i++)
		key[i] = (uint8_t)i;
	crypto_hmac_sm3(key, sizeof(key), m1, strlen(m1), mac);
	hex(mac, SM3_LEN, h);
	assert_string_equal(h, "402c75d7f8e4473d97bb9a651d461044"
			       "6d0d6443ded6da6405c979ab3e8c097c");
	/* openssl mac -digest SM3 -macopt key:key HMAC */
	crypto_hmac_sm3("key", 3, m2, strlen(m2), mac);
	hex(mac, SM3_LEN, h);
	assert_string_equal(h, "bd4a34077888162b210645b8ebf74b9a"
			       "f357303789357a27c7fc457244ebd398");
	/* An empty key and message must work too. */
	crypto_hmac_sm3(NULL, 0, NULL, 0, mac);
}

static void test_AU_08_pbkdf2_sm3_kat(void **state)
{
	uint8_t dk[48];
	char h[97];

	(void)state;
	/* openssl kdf -keylen 32 -kdfopt digest:SM3 -kdfopt pass:password
	 *	-kdfopt salt:salt -kdfopt iter:1000 PBKDF2 */
	assert_int_equal(crypto_pbkdf2_sm3("password", 8, "salt", 4, 1000,
					   dk, 32), 0);
	hex(dk, 32, h);
	assert_string_equal(h, "e8b635a41dfe5aaab7cf828cff6f3608"
			       "e22cac59ba16edd70e000b293d00bc91");
	/* The same with salt:NaCl-fazhi and -keylen 48 (two blocks). */
	assert_int_equal(crypto_pbkdf2_sm3("password", 8, "NaCl-fazhi", 10,
					   1000, dk, 48), 0);
	hex(dk, 48, h);
	assert_string_equal(h, "cd54e510e158c1d8ba19ec09e84947f0"
			       "a03c22392d24742c73882828a2ddd2b7"
			       "209ac57d7e71f5e8e7c4f750381448ce");
	/* openssl kdf ... -kdfopt hexsalt:73616c74 -kdfopt iter:1 */
	assert_int_equal(crypto_pbkdf2_sm3("password", 8, "salt", 4, 1,
					   dk, 32), 0);
	hex(dk, 32, h);
	assert_string_equal(h, "4612f922a1fdcefaf4312fc6f8f3322b"
			       "489cbf24f2ea361b44c2bd8fa2c6dcb0");
	assert_int_not_equal(crypto_pbkdf2_sm3("password", 8, "salt", 4, 0,
					       dk, 32), 0);
}

static void test_random_equal_cleanse(void **state)
{
	char a[65], b[65];
	uint8_t k[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, z[8] = { 0 };
	size_t i;

	(void)state;
	assert_int_equal(crypto_random_hex(a, 32), 0);
	assert_int_equal(crypto_random_hex(b, 32), 0);
	assert_int_equal(strlen(a), 64);
	for (i = 0; i < 64; i++)
		assert_non_null(strchr("0123456789abcdef", a[i]));
	assert_string_not_equal(a, b);
	assert_true(crypto_equal("abc", "abc", 3));
	assert_false(crypto_equal("abc", "abd", 3));
	crypto_cleanse(k, sizeof(k));
	assert_memory_equal(k, z, sizeof(k));
}

static void test_base64(void **state)
{
	static const char *const plain[] = {
		"", "f", "fo", "foo", "foob", "fooba", "foobar"
	};
	static const char *const coded[] = {
		"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"
	};
	static const char *const bad[] = {
		"Zg", "Zh==", "Zm9=", "Z===", "Zg=a", "Zm9v\n", "====",
		"Zg==Zg==", "Zm 9", "Zm9v!A==", "=Zm9"
	};
	struct buf b = BUF_INIT;
	uint8_t bin[256];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(plain); i++) {
		buf_reset(&b);
		crypto_b64_encode(&b, plain[i], strlen(plain[i]));
		assert_string_equal(buf_cstr(&b), coded[i]);
		buf_reset(&b);
		assert_int_equal(crypto_b64_decode(&b, coded[i],
						   strlen(coded[i])), 0);
		assert_int_equal(b.len, strlen(plain[i]));
		assert_string_equal(buf_cstr(&b), plain[i]);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		buf_reset(&b);
		buf_puts(&b, "keep");
		assert_int_not_equal(crypto_b64_decode(&b, bad[i],
						       strlen(bad[i])), 0);
		assert_string_equal(buf_cstr(&b), "keep");
	}
	for (i = 0; i < sizeof(bin); i++)
		bin[i] = (uint8_t)i;
	for (i = 0; i <= sizeof(bin); i++) {
		struct buf e = BUF_INIT, d = BUF_INIT;

		crypto_b64_encode(&e, bin, i);
		assert_int_equal(crypto_b64_decode(&d, e.data, e.len), 0);
		assert_int_equal(d.len, i);
		if (i)
			assert_memory_equal(d.data, bin, i);
		buf_release(&e);
		buf_release(&d);
	}
	buf_release(&b);
}

/* ---- CR-01: self-tests ---- */

static void test_CR_01_selftest_passes(void **state)
{
	char what[128] = "unset";

	(void)state;
	assert_int_equal(crypto_selftest(what, sizeof(what)), 0);
	assert_string_equal(what, "");
	assert_int_equal(ERR_peek_error(), 0);
}

static void test_CR_01_selftest_fault_hook(void **state)
{
	char what[128] = "";

	(void)state;
	assert_int_equal(setenv("FAZHI_FAULT", "x,kat,y", 1), 0);
	assert_int_not_equal(crypto_selftest(what, sizeof(what)), 0);
	assert_true(strlen(what) > 0);
	assert_non_null(strstr(what, "SM3"));
	assert_int_equal(unsetenv("FAZHI_FAULT"), 0);
	assert_int_equal(crypto_selftest(what, sizeof(what)), 0);
}

/* ---- CR-02: SM2 and the distinguishing id ---- */

struct sm2_pair {
	struct buf priv, pub;
	struct sm2_key *k, *kpub;
};

static void sm2_pair_make(struct sm2_pair *p)
{
	char err[256];

	buf_init(&p->priv, 0);
	buf_init(&p->pub, 0);
	assert_int_equal(sm2_generate(&p->priv, &p->pub), 0);
	assert_non_null(strstr(buf_cstr(&p->priv), "PRIVATE KEY"));
	assert_non_null(strstr(buf_cstr(&p->pub), "BEGIN PUBLIC KEY"));
	p->k = sm2_load_private(p->priv.data, p->priv.len, err, sizeof(err));
	assert_non_null(p->k);
	p->kpub = sm2_load_public(p->pub.data, p->pub.len, err, sizeof(err));
	assert_non_null(p->kpub);
}

static void sm2_pair_free(struct sm2_pair *p)
{
	sm2_free(p->k);
	sm2_free(p->kpub);
	buf_release(&p->priv);
	buf_release(&p->pub);
}

/* Verify with OpenSSL directly; `id` NULL leaves the id unset. */
static int ossl_verify(const struct buf *pub, const void *msg, size_t n,
		       const struct buf *der, const char *id)
{
	BIO *bio = BIO_new_mem_buf(pub->data, (int)pub->len);
	EVP_PKEY *pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	EVP_MD_CTX *mctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	int ok;

	assert_non_null(pkey);
	assert_non_null(mctx);
	assert_int_equal(EVP_DigestVerifyInit(mctx, &pctx, EVP_sm3(), NULL,
					      pkey), 1);
	if (id)
		assert_true(EVP_PKEY_CTX_set1_id(pctx, id,
						 (int)strlen(id)) > 0);
	ok = EVP_DigestVerify(mctx, (const unsigned char *)der->data,
			      der->len, msg, n);
	ERR_clear_error();
	EVP_MD_CTX_free(mctx);
	EVP_PKEY_free(pkey);
	BIO_free(bio);
	return ok;
}

static void test_CR_02_sm2_distid(void **state)
{
	static const char msg[] = "行政处罚决定书 2026-001";
	struct buf sig = BUF_INIT, der = BUF_INIT;
	struct sm2_pair p;

	(void)state;
	sm2_pair_make(&p);
	assert_int_equal(sm2_sign(p.k, msg, strlen(msg), &sig), 0);
	assert_int_equal(crypto_b64_decode(&der, sig.data, sig.len), 0);
	assert_int_equal(ossl_verify(&p.pub, msg, strlen(msg), &der,
				     SM2_DEFAULT_ID), 1);
	assert_int_not_equal(ossl_verify(&p.pub, msg, strlen(msg), &der,
					 NULL), 1);
	assert_int_not_equal(ossl_verify(&p.pub, msg, strlen(msg), &der,
					 "ALICE123@YAHOO.COM"), 1);
	buf_release(&sig);
	buf_release(&der);
	sm2_pair_free(&p);
}

/* The GM/T 0003.5-2012 Appendix A example verifies only with the id. */
static void test_CR_02_sm2_gmt_example(void **state)
{
	static const char pem[] =
		"-----BEGIN PUBLIC KEY-----\n"
		"MFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAECfnfMR5UIaFQ3X0WHkvFxnIX"
		"n60Y\n"
		"M/wHa7CP81bzUCDM6kkM4md1pS3G6nGMwapgCu0F+/NeCEpmMvYHLamtEw==\n"
		"-----END PUBLIC KEY-----\n";
	static const char sig[] =
		"MEYCIQD1oDsGSNLEYw7qxRPhu4GhWUTaOCfVt0FDrH6s7ucgswIhALG2qinf"
		"IS/YdjGCvA1CHKG7kDj9H39C1IQLacSFu8Gq";
	struct buf pub = BUF_INIT, der = BUF_INIT;
	struct sm2_key *k;
	char err[256];

	(void)state;
	k = sm2_load_public(pem, strlen(pem), err, sizeof(err));
	assert_non_null(k);
	assert_int_equal(sm2_verify(k, "message digest", 14, sig), 0);
	assert_int_not_equal(sm2_verify(k, "message digesT", 14, sig), 0);
	buf_puts(&pub, pem);
	assert_int_equal(crypto_b64_decode(&der, sig, strlen(sig)), 0);
	assert_int_not_equal(ossl_verify(&pub, "message digest", 14, &der,
					 NULL), 1);
	sm2_free(k);
	buf_release(&pub);
	buf_release(&der);
}

static void test_CR_02_sm2_sign_verify(void **state)
{
	static const char msg[] = "receipt 42";
	struct buf sig = BUF_INIT, other = BUF_INIT;
	struct sm2_pair p;
	char *bad;

	(void)state;
	sm2_pair_make(&p);
	assert_int_equal(sm2_sign(p.k, msg, strlen(msg), &sig), 0);
	assert_int_equal(sm2_verify(p.kpub, msg, strlen(msg), sig.data), 0);
	assert_int_equal(sm2_verify(p.k, msg, strlen(msg), sig.data), 0);
	assert_int_not_equal(sm2_verify(p.kpub, "receipt 43", 10, sig.data),
			     0);
	/* Signatures are randomised: a second one differs but verifies. */
	assert_int_equal(sm2_sign(p.k, msg, strlen(msg), &other), 0);
	assert_string_not_equal(sig.data, other.data);
	assert_int_equal(sm2_verify(p.kpub, msg, strlen(msg), other.data), 0);
	/* An altered signature, or not base64 at all. */
	bad = xstrdup(sig.data);
	bad[10] = bad[10] == 'A' ? 'B' : 'A';
	assert_int_not_equal(sm2_verify(p.kpub, msg, strlen(msg), bad), 0);
	assert_int_not_equal(sm2_verify(p.kpub, msg, strlen(msg), "%%%"), 0);
	assert_int_not_equal(sm2_verify(p.kpub, msg, strlen(msg), ""), 0);
	/* A public key cannot sign. */
	buf_reset(&other);
	assert_int_not_equal(sm2_sign(p.kpub, msg, strlen(msg), &other), 0);
	assert_int_equal(ERR_peek_error(), 0);
	free(bad);
	buf_release(&sig);
	buf_release(&other);
	sm2_pair_free(&p);
}

/* ---- CR-03: sealed personal data ---- */

static void test_CR_03_seal_roundtrip(void **state)
{
	static const char *const texts[] = {
		"", "1", "110101199003077777", "13800138000",
		"北京市东城区东华门街道 1 号", "exactly sixteen!",
	};
	struct buf s = BUF_INIT, o = BUF_INIT;
	struct fx_ring r;
	size_t i;

	(void)state;
	fx_ring_make("seal", &r);
	assert_string_equal(keyring_active_id(r.kr), "k1");
	for (i = 0; i < ARRAY_SIZE(texts); i++) {
		buf_reset(&s);
		assert_int_equal(crypto_seal(r.kr, texts[i], strlen(texts[i]),
					     &s), 0);
		assert_true(str_starts(buf_cstr(&s), "fz1.k1."));
		assert_int_equal(crypto_open(r.kr, s.data, &o), 0);
		assert_int_equal(o.len, strlen(texts[i]));
		assert_string_equal(buf_cstr(&o), texts[i]);
	}
	/* Binary data with NUL bytes survives. */
	buf_reset(&s);
	assert_int_equal(crypto_seal(r.kr, "a\0b", 3, &s), 0);
	assert_int_equal(crypto_open(r.kr, s.data, &o), 0);
	assert_int_equal(o.len, 3);
	assert_memory_equal(o.data, "a\0b", 3);
	buf_release(&s);
	buf_release(&o);
	fx_ring_free(&r);
}

static void test_CR_03_seal_hides_plaintext(void **state)
{
	static const char id[] = "110101199003077777";
	struct buf s = BUF_INIT, b64 = BUF_INIT;
	struct fx_ring r;

	(void)state;
	fx_ring_make("hide", &r);
	assert_int_equal(crypto_seal(r.kr, id, strlen(id), &s), 0);
	assert_null(strstr(s.data, id));
	assert_null(strstr(s.data, "0307"));
	crypto_b64_encode(&b64, id, strlen(id));
	assert_null(strstr(s.data, b64.data));
	buf_release(&s);
	buf_release(&b64);
	fx_ring_free(&r);
}

static void test_CR_03_seal_random_iv(void **state)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	struct fx_ring r;

	(void)state;
	fx_ring_make("iv", &r);
	assert_int_equal(crypto_seal(r.kr, "13800138000", 11, &a), 0);
	assert_int_equal(crypto_seal(r.kr, "13800138000", 11, &b), 0);
	assert_string_not_equal(a.data, b.data);
	/* The IVs (first 16 bytes after the prefix) differ as well. */
	assert_memory_not_equal(a.data + 7, b.data + 7, 20);
	buf_release(&a);
	buf_release(&b);
	fx_ring_free(&r);
}

static void test_CR_03_seal_tamper(void **state)
{
	static const char subst[] = { 1, 2, 32, 64 };
	struct buf s = BUF_INIT, o = BUF_INIT;
	struct fx_ring r;
	size_t i, j;
	char *t;

	(void)state;
	fx_ring_make("tamper", &r);
	assert_int_equal(crypto_seal(r.kr, "13800138000", 11, &s), 0);
	t = xstrdup(s.data);
	for (i = 0; i < s.len; i++) {
		for (j = 0; j < ARRAY_SIZE(subst); j++) {
			t[i] = (char)(s.data[i] ^ subst[j]);
			buf_reset(&o);
			buf_puts(&o, "stale");
			assert_int_not_equal(crypto_open(r.kr, t, &o), 0);
			assert_int_equal(o.len, 0);
		}
		t[i] = s.data[i];
	}
	/* Every byte of the binary part, flipped under a valid encoding. */
	{
		struct buf blob = BUF_INIT, re = BUF_INIT;
		const char *b64 = s.data + strlen("fz1.k1.");

		assert_int_equal(crypto_b64_decode(&blob, b64, strlen(b64)), 0);
		for (i = 0; i < blob.len; i++) {
			blob.data[i] ^= 0x01;
			buf_reset(&re);
			buf_puts(&re, "fz1.k1.");
			crypto_b64_encode(&re, blob.data, blob.len);
			assert_int_not_equal(crypto_open(r.kr, re.data, &o), 0);
			blob.data[i] ^= 0x01;
		}
		buf_release(&blob);
		buf_release(&re);
	}
	/* Truncated or extended. */
	t[s.len - 4] = '\0';
	assert_int_not_equal(crypto_open(r.kr, t, &o), 0);
	free(t);
	t = xasprintf("%sAAAA", s.data);
	assert_int_not_equal(crypto_open(r.kr, t, &o), 0);
	free(t);
	assert_int_equal(crypto_open(r.kr, s.data, &o), 0);
	assert_string_equal(buf_cstr(&o), "13800138000");
	buf_release(&s);
	buf_release(&o);
	fx_ring_free(&r);
}

static void test_CR_03_unknown_kid(void **state)
{
	struct buf s = BUF_INIT, o = BUF_INIT;
	struct fx_ring a, b;
	char *t;

	(void)state;
	fx_ring_make("kid-a", &a);
	fx_ring_make("kid-b", &b);
	assert_int_equal(crypto_seal(a.kr, "secret", 6, &s), 0);
	t = xasprintf("fz1.k9.%s", s.data + strlen("fz1.k1."));
	assert_int_not_equal(crypto_open(a.kr, t, &o), 0);
	free(t);
	/* Same id "k1", different key: the MAC fails. */
	assert_int_not_equal(crypto_open(b.kr, s.data, &o), 0);
	assert_int_equal(o.len, 0);
	buf_release(&s);
	buf_release(&o);
	fx_ring_free(&a);
	fx_ring_free(&b);
}

static void test_CR_03_open_bad_format(void **state)
{
	static const char *const bad[] = {
		"", "fz1", "fz1.", "fz1.k1", "fz1.k1.", "fz2.k1.AAAA",
		"fz1..AAAA", "fz1.k 1.AAAA", "fz1.k1.!!!!", "13800138000",
		/* well-formed, 48 zero bytes: the MAC fails */
		("fz1.k1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		 "AAAAAAAAAA"),
	};
	struct buf o = BUF_INIT;
	struct fx_ring r;
	size_t i;

	(void)state;
	fx_ring_make("format", &r);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_not_equal(crypto_open(r.kr, bad[i], &o), 0);
	buf_release(&o);
	fx_ring_free(&r);
}

static void test_CR_03_blind_index(void **state)
{
	char x1[65], x2[65], y[65], other[65];
	struct fx_ring a, b;
	size_t i;

	(void)state;
	fx_ring_make("bi-a", &a);
	fx_ring_make("bi-b", &b);
	crypto_blind_index(a.kr, "13800138000", x1);
	crypto_blind_index(a.kr, "13800138000", x2);
	crypto_blind_index(a.kr, "13800138001", y);
	crypto_blind_index(b.kr, "13800138000", other);
	assert_int_equal(strlen(x1), 64);
	for (i = 0; i < 64; i++)
		assert_non_null(strchr("0123456789abcdef", x1[i]));
	assert_string_equal(x1, x2);
	assert_string_not_equal(x1, y);
	assert_string_not_equal(x1, other);
	fx_ring_free(&a);
	fx_ring_free(&b);
}

/* ---- CR-04: key files, rotation, key loading ---- */

static void test_CR_04_key_dir_and_file_modes(void **state)
{
	struct key_provider kp;
	struct stat st;
	char *dir, *path;

	(void)state;
	fx_provider("modes", &kp);
	dir = xasprintf("%s/modes/keys", tmpdir);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(kp.exists(&kp, "master"), 0);
	assert_int_equal(kp.write(&kp, "master", "k", 1), 0);
	assert_int_equal(kp.exists(&kp, "master"), 1);
	path = key_path("modes", "master");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	free(path);
	free(dir);
	key_provider_release(&kp);
}

static void test_CR_04_key_file_mode_refused(void **state)
{
	static const mode_t refused[] = { 0644, 0640, 0604, 0601, 0610, 0660 };
	struct key_provider kp;
	struct buf b = BUF_INIT;
	char err[512], *path;
	size_t i;

	(void)state;
	fx_provider("perm", &kp);
	assert_int_equal(kp.write(&kp, "master", "secret", 6), 0);
	path = key_path("perm", "master");
	for (i = 0; i < ARRAY_SIZE(refused); i++) {
		assert_int_equal(chmod(path, refused[i]), 0);
		err[0] = '\0';
		buf_reset(&b);
		assert_int_not_equal(kp.read(&kp, "master", &b, err,
					     sizeof(err)), 0);
		assert_non_null(strstr(err, path));
		assert_int_equal(b.len, 0);
	}
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(kp.read(&kp, "master", &b, err, sizeof(err)), 0);
	assert_string_equal(buf_cstr(&b), "secret");
	buf_reset(&b);
	assert_int_equal(chmod(path, 0400), 0);
	assert_int_equal(kp.read(&kp, "master", &b, err, sizeof(err)), 0);
	assert_string_equal(buf_cstr(&b), "secret");
	/* A missing item names the file as well. */
	assert_int_not_equal(kp.read(&kp, "nothing", &b, err, sizeof(err)),
			     0);
	assert_non_null(strstr(err, "nothing"));
	free(path);
	buf_release(&b);
	key_provider_release(&kp);
}

static void test_CR_04_key_file_owner_and_links(void **state)
{
	struct key_provider kp;
	struct buf b = BUF_INIT;
	char err[512], *path, *link;

	(void)state;
	fx_provider("owner", &kp);
	assert_int_equal(kp.write(&kp, "master", "secret", 6), 0);
	path = key_path("owner", "master");
	link = key_path("owner", "linked");
	/* A symbolic link is not followed. */
	assert_int_equal(symlink(path, link), 0);
	assert_int_not_equal(kp.read(&kp, "linked", &b, err, sizeof(err)), 0);
	assert_non_null(strstr(err, link));
	if (geteuid() == 0) {
		assert_int_equal(chown(path, 1, 1), 0);
		assert_int_not_equal(kp.read(&kp, "master", &b, err,
					     sizeof(err)), 0);
		assert_non_null(strstr(err, path));
		assert_non_null(strstr(err, "owned"));
	}
	free(path);
	free(link);
	buf_release(&b);
	key_provider_release(&kp);
}

static void test_CR_04_item_names(void **state)
{
	static const char *const bad[] = {
		"", ".hidden", "..", "../master", "a/b", "a b", "key\n", "密钥"
	};
	struct key_provider kp;
	struct buf b = BUF_INIT;
	char err[256];
	size_t i;

	(void)state;
	fx_provider("names", &kp);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_not_equal(kp.write(&kp, bad[i], "x", 1), 0);
		assert_int_equal(kp.exists(&kp, bad[i]), 0);
		assert_int_not_equal(kp.read(&kp, bad[i], &b, err,
					     sizeof(err)), 0);
	}
	assert_int_equal(kp.write(&kp, "sm2.pem", "x", 1), 0);
	assert_int_equal(kp.write(&kp, "A-z_0.9", "x", 1), 0);
	buf_release(&b);
	key_provider_release(&kp);
}

static void test_CR_04_keyring_rotate(void **state)
{
	struct buf s1 = BUF_INIT, s2 = BUF_INIT, o = BUF_INIT;
	struct keyring *kr2;
	char kid[17], err[256], bi1[65], bi2[65];
	struct fx_ring r;

	(void)state;
	fx_ring_make("rotate", &r);
	assert_int_not_equal(keyring_create(&r.kp), 0);
	assert_int_equal(crypto_seal(r.kr, "old value", 9, &s1), 0);
	crypto_blind_index(r.kr, "old value", bi1);

	assert_int_equal(keyring_rotate(&r.kp, kid, sizeof(kid)), 0);
	assert_string_equal(kid, "k2");
	kr2 = keyring_load(&r.kp, err, sizeof(err));
	assert_non_null(kr2);
	assert_string_equal(keyring_active_id(kr2), "k2");
	assert_int_equal(crypto_open(kr2, s1.data, &o), 0);
	assert_string_equal(buf_cstr(&o), "old value");
	assert_int_equal(crypto_seal(kr2, "new value", 9, &s2), 0);
	assert_true(str_starts(s2.data, "fz1.k2."));
	assert_int_equal(crypto_open(kr2, s2.data, &o), 0);
	assert_string_equal(buf_cstr(&o), "new value");
	/* The old ring does not know k2. */
	assert_int_not_equal(crypto_open(r.kr, s2.data, &o), 0);
	/* The blind index survives rotation. */
	crypto_blind_index(kr2, "old value", bi2);
	assert_string_equal(bi1, bi2);
	keyring_free(kr2);

	assert_int_equal(keyring_rotate(&r.kp, NULL, 0), 0);
	kr2 = keyring_load(&r.kp, err, sizeof(err));
	assert_non_null(kr2);
	assert_string_equal(keyring_active_id(kr2), "k3");
	assert_int_equal(crypto_open(kr2, s1.data, &o), 0);
	assert_int_equal(crypto_open(kr2, s2.data, &o), 0);
	keyring_free(kr2);
	buf_release(&s1);
	buf_release(&s2);
	buf_release(&o);
	fx_ring_free(&r);
}

static void test_CR_04_keyring_file_checked(void **state)
{
	static const char *const bad[] = {
		"",
		"fazhi-datakeys 2\n",
		"fazhi-datakeys 1\nindex 00\nkey k1 00\n",
		"fazhi-datakeys 1\nkey k1 "
		"000000000000000000000000000000000000000000000000"
		"000000000000000000000000000000000000000000000000\n",
	};
	struct key_provider kp;
	struct keyring *kr;
	char err[512], *path;
	size_t i;

	(void)state;
	fx_provider("krfile", &kp);
	assert_int_equal(keyring_create(&kp), 0);
	path = key_path("krfile", "datakeys");
	assert_int_equal(chmod(path, 0644), 0);
	kr = keyring_load(&kp, err, sizeof(err));
	assert_null(kr);
	assert_non_null(strstr(err, path));
	assert_int_equal(chmod(path, 0600), 0);
	kr = keyring_load(&kp, err, sizeof(err));
	assert_non_null(kr);
	keyring_free(kr);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(kp.write(&kp, "datakeys", bad[i],
					  strlen(bad[i])), 0);
		err[0] = '\0';
		assert_null(keyring_load(&kp, err, sizeof(err)));
		assert_true(strlen(err) > 0);
	}
	free(path);
	key_provider_release(&kp);
}

static void test_CR_04_sm2_garbage_pem(void **state)
{
	static const char garbage[] = "this is not a key";
	static const char torn[] =
		"-----BEGIN PRIVATE KEY-----\n"
		"MIGHAgEAMBMGByqGSM49AgEGCCqBHM9VAYIt"
		"BG0wawIBAQQgZ1iWgljiaq9pC+fy\n"
		"-----END PRIVATE KEY-----\n";
	struct sm2_pair p;
	EVP_PKEY *ec;
	BIO *bio;
	char err[256], *data;
	long n;

	(void)state;
	err[0] = '\0';
	assert_null(sm2_load_private(garbage, strlen(garbage), err,
				     sizeof(err)));
	assert_true(strlen(err) > 0);
	assert_null(sm2_load_public(garbage, strlen(garbage), err,
				    sizeof(err)));
	assert_null(sm2_load_private(torn, strlen(torn), err, sizeof(err)));
	assert_null(sm2_load_private("", 0, err, sizeof(err)));
	/* A private PEM is not a public key, and vice versa. */
	sm2_pair_make(&p);
	assert_null(sm2_load_public(p.priv.data, p.priv.len, err,
				    sizeof(err)));
	assert_null(sm2_load_private(p.pub.data, p.pub.len, err,
				     sizeof(err)));
	sm2_pair_free(&p);
	/* A NIST P-256 key is refused. */
	ec = EVP_EC_gen("P-256");
	assert_non_null(ec);
	bio = BIO_new(BIO_s_mem());
	assert_int_equal(PEM_write_bio_PrivateKey(bio, ec, NULL, NULL, 0,
						  NULL, NULL), 1);
	n = BIO_get_mem_data(bio, &data);
	assert_null(sm2_load_private(data, (size_t)n, err, sizeof(err)));
	assert_non_null(strstr(err, "SM2"));
	BIO_free(bio);
	EVP_PKEY_free(ec);
	assert_int_equal(ERR_peek_error(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sm3_gbt32905_vectors),
		cmocka_unit_test(test_sm4_gbt32907_vector),
		cmocka_unit_test(test_sm4_ctr),
		cmocka_unit_test(test_hmac_sm3_kat),
		cmocka_unit_test(test_AU_08_pbkdf2_sm3_kat),
		cmocka_unit_test(test_random_equal_cleanse),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_CR_01_selftest_passes),
		cmocka_unit_test(test_CR_01_selftest_fault_hook),
		cmocka_unit_test(test_CR_02_sm2_distid),
		cmocka_unit_test(test_CR_02_sm2_gmt_example),
		cmocka_unit_test(test_CR_02_sm2_sign_verify),
		cmocka_unit_test(test_CR_03_seal_roundtrip),
		cmocka_unit_test(test_CR_03_seal_hides_plaintext),
		cmocka_unit_test(test_CR_03_seal_random_iv),
		cmocka_unit_test(test_CR_03_seal_tamper),
		cmocka_unit_test(test_CR_03_unknown_kid),
		cmocka_unit_test(test_CR_03_open_bad_format),
		cmocka_unit_test(test_CR_03_blind_index),
		cmocka_unit_test(test_CR_04_key_dir_and_file_modes),
		cmocka_unit_test(test_CR_04_key_file_mode_refused),
		cmocka_unit_test(test_CR_04_key_file_owner_and_links),
		cmocka_unit_test(test_CR_04_item_names),
		cmocka_unit_test(test_CR_04_keyring_rotate),
		cmocka_unit_test(test_CR_04_keyring_file_checked),
		cmocka_unit_test(test_CR_04_sm2_garbage_pem),
	};

	fx_scratch = tmpdir;
	return cmocka_run_group_tests(tests, fx_scratch_setup,
				      fx_scratch_teardown);
}
