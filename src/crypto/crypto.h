/* crypto.h: the only door to cryptography (SM2, SM3, SM4, PBKDF2, random)
 *
 * Only the files in src/crypto/ include OpenSSL headers.  Every function
 * that can fail returns 0 on success and a negative value on failure.
 */
#ifndef FZ_CRYPTO_H
#define FZ_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define SM3_LEN 32
#define SM4_KEY_LEN 16
/* GM/T 0009 default distinguishing identifier, always set explicitly:
 * OpenSSL 3.0 leaves it empty otherwise. */
#define SM2_DEFAULT_ID "1234567812345678"

/* Known-answer self-tests of SM3, HMAC-SM3, SM4, SM2 and PBKDF2-SM3.
 * Returns 0 when all pass; on failure names the first failing one in
 * `what`.  The server refuses to start when this fails.  In builds with
 * FAZHI_TEST_HOOKS, $FAZHI_FAULT containing "kat" makes it fail. */
int crypto_selftest(char *what, size_t whatlen);

void crypto_sm3(const void *p, size_t n, uint8_t out[SM3_LEN]);
/* Incremental SM3. */
struct crypto_sm3_ctx;
struct crypto_sm3_ctx *crypto_sm3_begin(void);
void crypto_sm3_update(struct crypto_sm3_ctx *c, const void *p, size_t n);
void crypto_sm3_end(struct crypto_sm3_ctx *c, uint8_t out[SM3_LEN]);

void crypto_hmac_sm3(const void *key, size_t keylen, const void *p, size_t n,
		     uint8_t out[SM3_LEN]);
int crypto_pbkdf2_sm3(const char *pass, size_t passlen, const void *salt,
		      size_t saltlen, unsigned iterations, void *out,
		      size_t outlen);
/* Cryptographically secure random bytes (RAND_bytes). */
int crypto_random(void *p, size_t n);
/* `n` random bytes as 2n lowercase hex characters plus NUL. */
int crypto_random_hex(char *out, size_t n);
bool crypto_equal(const void *a, const void *b, size_t n); /* constant time */
void crypto_cleanse(void *p, size_t n);

/* Raw SM4-CTR (for tests and the field cipher). */
int crypto_sm4_ctr(const uint8_t key[SM4_KEY_LEN], const uint8_t iv[16],
		   const void *in, size_t n, void *out);
/* SM4 single-block ECB encryption; used only by the GB/T 32907 KAT. */
int crypto_sm4_block(const uint8_t key[SM4_KEY_LEN], const uint8_t in[16],
		     uint8_t out[16]);

/* Base64 (standard alphabet, padded). decode returns < 0 on bad input. */
void crypto_b64_encode(struct buf *out, const void *p, size_t n);
int crypto_b64_decode(struct buf *out, const char *s, size_t n);

/* ---- Field encryption of personal data (keyring.c) ----
 *
 * A keyring holds data keys, each with a short id; the newest is active.
 * Each key is 48 bytes: 16 for SM4, 32 for HMAC-SM3.  A separate 32-byte
 * index key gives the blind index.
 *
 * crypto_seal() output is text: "fz1.<kid>.<base64(iv16 || ct || mac32)>",
 * mac = HMAC-SM3(mackey, "fz1." kid "." || iv || ct)  (encrypt-then-MAC).
 */
struct keyring;
struct key_provider;
/* Load the keyring from the key provider's "datakeys" item; NULL and a
 * message on failure. */
struct keyring *keyring_load(struct key_provider *kp, char *err,
			     size_t errlen);
/* Create the "datakeys" item with one fresh key (fails if it exists). */
int keyring_create(struct key_provider *kp);
/* Add a new active key; old keys stay to open old ciphertexts. */
int keyring_rotate(struct key_provider *kp, char *kid_out, size_t kidlen);
void keyring_free(struct keyring *kr);
const char *keyring_active_id(const struct keyring *kr);

int crypto_seal(const struct keyring *kr, const char *plain, size_t n,
		struct buf *out);
/* < 0 when the text was altered, the key id is unknown or the format is
 * wrong; out is then left empty. */
int crypto_open(const struct keyring *kr, const char *sealed,
		struct buf *out);
/* HMAC-SM3 of a normalised value under the index key, as 64 hex chars. */
void crypto_blind_index(const struct keyring *kr, const char *value,
			char out[65]);

/* ---- SM2 signatures (sm2.c) ---- */
struct sm2_key;
/* Generate a key pair; appends PEM text of each to the buffers. */
int sm2_generate(struct buf *priv_pem, struct buf *pub_pem);
/* Load a private (for signing and verifying) or public key from PEM text. */
struct sm2_key *sm2_load_private(const char *pem, size_t n, char *err,
				 size_t errlen);
struct sm2_key *sm2_load_public(const char *pem, size_t n, char *err,
				size_t errlen);
void sm2_free(struct sm2_key *k);
/* Sign with SM3 and the distinguishing id SM2_DEFAULT_ID; the signature
 * (DER) is appended to `sig` as base64. */
int sm2_sign(struct sm2_key *k, const void *p, size_t n, struct buf *sig);
/* 0 when the base64 DER signature verifies. */
int sm2_verify(struct sm2_key *k, const void *p, size_t n, const char *sig_b64);

/* ---- Key provider (keys.c) ----
 * Keys live behind one interface so a hardware module can replace the
 * default, which keeps each key in a file under DATA_DIR/keys readable by
 * the owner only.  A key file that others can read is refused. */
struct key_provider {
	const char *name;
	/* Read key item `item` ("master", "datakeys", "sm2.pem", ...) into out. */
	int (*read)(struct key_provider *kp, const char *item, struct buf *out,
		    char *err, size_t errlen);
	/* Create or replace an item atomically, readable by the owner only. */
	int (*write)(struct key_provider *kp, const char *item, const void *p,
		     size_t n);
	/* 1 if the item exists, 0 if not. */
	int (*exists)(struct key_provider *kp, const char *item);
	void *data;
};
/* The file provider rooted at DIR/keys; 0 on success. */
int key_provider_file(struct key_provider *kp, const char *data_dir);
void key_provider_release(struct key_provider *kp);

#endif
