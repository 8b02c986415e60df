/* sm2.c: SM2 key pairs, signatures with SM3 and the default id
 *
 * SM2 signs e = SM3(Z || M), where Z hashes the signer's distinguishing
 * id and public key.  OpenSSL 3.0 uses an empty id unless one is set, so
 * its signatures do not verify elsewhere (GM/T 0009 fixes the default
 * "1234567812345678").  Every context made here sets the id explicitly.
 */
#include "crypto/crypto.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "core/util.h"

struct sm2_key {
	EVP_PKEY *pkey;
	bool private;
};

/* Render the first queued OpenSSL error (or `what`) into err. */
static void sm2_error(char *err, size_t errlen, const char *what)
{
	unsigned long e = ERR_peek_last_error();
	char detail[160] = "";

	if (e)
		ERR_error_string_n(e, detail, sizeof(detail));
	ERR_clear_error();
	if (err && errlen)
		snprintf(err, errlen, "%s%s%s", what, *detail ? ": " : "",
			 detail);
}

/* Append the contents of a memory BIO to `out`. */
static int bio_to_buf(BIO *b, struct buf *out)
{
	char *p = NULL;
	long n = BIO_get_mem_data(b, &p);

	if (n <= 0 || !p)
		return FZ_ERR;
	buf_add(out, p, (size_t)n);
	return buf_err(out) ? FZ_ERR : FZ_OK;
}

/* Private key as unencrypted PKCS #8 PEM, public key as SPKI PEM.  The
 * private PEM passes through a secure-memory BIO, which is cleansed when
 * freed; the caller should cleanse priv_pem as well. */
int sm2_generate(struct buf *priv_pem, struct buf *pub_pem)
{
	EVP_PKEY *pkey = EVP_PKEY_Q_keygen(NULL, NULL, "SM2");
	BIO *bpriv = BIO_new(BIO_s_secmem());
	BIO *bpub = BIO_new(BIO_s_mem());
	int rc = FZ_ERR;

	if (!pkey || !bpriv || !bpub ||
	    PEM_write_bio_PrivateKey(bpriv, pkey, NULL, NULL, 0, NULL,
				     NULL) != 1 ||
	    PEM_write_bio_PUBKEY(bpub, pkey) != 1)
		goto out;
	if (bio_to_buf(bpriv, priv_pem) || bio_to_buf(bpub, pub_pem))
		goto out;
	rc = FZ_OK;
out:
	ERR_clear_error();
	BIO_free(bpriv);
	BIO_free(bpub);
	EVP_PKEY_free(pkey);
	return rc;
}

/* Refuse to prompt on the terminal for a pass phrase: keys come from the
 * key provider and are never encrypted with one. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

static struct sm2_key *sm2_load(const char *pem, size_t n, bool private,
				char *err, size_t errlen)
{
	struct sm2_key *k;
	EVP_PKEY *pkey;
	BIO *b;

	if (!pem || n > INT_MAX) {
		sm2_error(err, errlen, "invalid PEM text");
		return NULL;
	}
	b = BIO_new_mem_buf(pem, (int)n);
	if (!b) {
		sm2_error(err, errlen, "out of memory");
		return NULL;
	}
	if (private)
		pkey = PEM_read_bio_PrivateKey(b, NULL, no_passphrase, NULL);
	else
		pkey = PEM_read_bio_PUBKEY(b, NULL, no_passphrase, NULL);
	BIO_free(b);
	if (!pkey) {
		sm2_error(err, errlen, private ? "cannot read SM2 private key"
					       : "cannot read SM2 public key");
		return NULL;
	}
	/* OpenSSL 3.0 types a key on the SM2 curve as "SM2". */
	if (!EVP_PKEY_is_a(pkey, "SM2")) {
		EVP_PKEY_free(pkey);
		ERR_clear_error();
		if (err && errlen)
			snprintf(err, errlen, "not an SM2 key");
		return NULL;
	}
	k = xmalloc(sizeof(*k));
	k->pkey = pkey;
	k->private = private;
	return k;
}

/* Load a private key from PEM text (the PEM need not be NUL-terminated);
 * NULL and a message in err on failure. */
struct sm2_key *sm2_load_private(const char *pem, size_t n, char *err,
				 size_t errlen)
{
	return sm2_load(pem, n, true, err, errlen);
}

/* Load a public key (SubjectPublicKeyInfo PEM); NULL and a message in
 * err on failure. */
struct sm2_key *sm2_load_public(const char *pem, size_t n, char *err,
				size_t errlen)
{
	return sm2_load(pem, n, false, err, errlen);
}

/* Free a key; NULL is fine. */
void sm2_free(struct sm2_key *k)
{
	if (!k)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}

/* A digest context ready to sign or verify with SM3 and SM2_DEFAULT_ID.
 * The id is set on the context's own pkey context after init and before
 * the first update: OpenSSL 3.0 computes Z at the first update and
 * refuses an id set later. */
static EVP_MD_CTX *sm2_begin(EVP_PKEY *pkey, bool sign)
{
	EVP_MD_CTX *mctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	int ok;

	if (!mctx)
		return NULL;
	if (sign)
		ok = EVP_DigestSignInit(mctx, &pctx, EVP_sm3(), NULL, pkey);
	else
		ok = EVP_DigestVerifyInit(mctx, &pctx, EVP_sm3(), NULL, pkey);
	if (ok != 1 || !pctx ||
	    EVP_PKEY_CTX_set1_id(pctx, SM2_DEFAULT_ID,
				 (int)strlen(SM2_DEFAULT_ID)) <= 0) {
		EVP_MD_CTX_free(mctx);
		return NULL;
	}
	return mctx;
}

/* Sign p[0..n) with a private key; the DER signature is appended to sig
 * as base64.  0 on success. */
int sm2_sign(struct sm2_key *k, const void *p, size_t n, struct buf *sig)
{
	EVP_MD_CTX *mctx = NULL;
	unsigned char *der = NULL;
	size_t len = 0;
	int rc = FZ_ERR;

	if (!k || !k->private)
		return FZ_ERR;
	mctx = sm2_begin(k->pkey, true);
	if (!mctx || EVP_DigestSign(mctx, NULL, &len, p, n) != 1)
		goto out;
	der = xmalloc(len);
	/* The size query above does not hash, so this is the first update
	 * and Z is computed with the id. */
	if (EVP_DigestSign(mctx, der, &len, p, n) != 1)
		goto out;
	crypto_b64_encode(sig, der, len);
	if (!buf_err(sig))
		rc = FZ_OK;
out:
	ERR_clear_error();
	free(der);
	EVP_MD_CTX_free(mctx);
	return rc;
}

/* 0 when sig_b64 (base64 of a DER signature) verifies over p[0..n) with
 * the id SM2_DEFAULT_ID; < 0 when it does not or cannot be decoded. */
int sm2_verify(struct sm2_key *k, const void *p, size_t n, const char *sig_b64)
{
	struct buf der = BUF_INIT;
	EVP_MD_CTX *mctx = NULL;
	int rc = FZ_ERR;

	if (!k || !sig_b64)
		return FZ_ERR;
	buf_init(&der, 4096);
	if (crypto_b64_decode(&der, sig_b64, strlen(sig_b64)) || !der.len)
		goto out;
	mctx = sm2_begin(k->pkey, false);
	if (mctx && EVP_DigestVerify(mctx, (unsigned char *)der.data,
				     der.len, p, n) == 1)
		rc = FZ_OK;
out:
	ERR_clear_error();
	EVP_MD_CTX_free(mctx);
	buf_release(&der);
	return rc;
}
