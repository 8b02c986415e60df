/* sealed.c: personal data sealed for storage, blind indexes for search */
#include "pii/pii.h"

#include <string.h>

#include "crypto/crypto.h"

/* The text form of crypto_seal() output starts so. */
#define SEALED_PREFIX "fz1."

int pii_seal(const struct keyring *kr, const char *plain, struct buf *out,
	     struct fz_err *err)
{
	if (!plain)
		return fz_fail(err, 500, "pii_seal", "没有需要加密的个人信息");
	if (crypto_seal(kr, plain, strlen(plain), out))
		return fz_fail(err, 500, "pii_seal",
			       "个人信息加密失败，未保存任何内容");
	return FZ_OK;
}

int pii_open(const struct keyring *kr, const char *sealed, struct buf *out,
	     struct fz_err *err)
{
	buf_reset(out);
	if (!sealed || !str_starts(sealed, SEALED_PREFIX))
		return fz_fail(err, 500, "pii_format",
			       "该字段不是加密保存的个人信息");
	if (crypto_open(kr, sealed, out)) {
		/* Never log the value: it is ciphertext of personal data, and
		 * the caller knows which record it came from. */
		warn("pii: a sealed value failed its integrity check "
		     "(altered, or sealed under an unknown key)");
		return fz_fail(err, 500, "pii_tamper",
			       "个人信息密文校验失败：数据可能被篡改，"
			       "或所需密钥不可用");
	}
	/* pii_seal() takes C strings; a NUL inside came from elsewhere. */
	if (out->len && memchr(out->data, '\0', out->len)) {
		crypto_cleanse(out->data, out->len);
		buf_reset(out);
		return fz_fail(err, 500, "pii_format",
			       "该字段不是加密保存的个人信息");
	}
	return FZ_OK;
}

/* HMAC-SM3 of `kind` ":" `value` under the index key; the kind keeps the
 * indexes of different fields apart. */
static void index_of(const struct keyring *kr, const char *kind,
		     const char *value, char out[PII_INDEX_LEN + 1])
{
	struct buf b = BUF_INIT;

	buf_printf(&b, "%s:%s", kind, value);
	crypto_blind_index(kr, buf_cstr(&b), out);
	crypto_cleanse(b.data, b.len);
	buf_release(&b);
}

int pii_index_phone(const struct keyring *kr, const char *phone,
		    char out[PII_INDEX_LEN + 1])
{
	char norm[PII_PHONE_MAX], digits[PII_PHONE_MAX];
	size_t i, n = 0;

	out[0] = '\0';
	if (!kr || pii_phone_normalise(phone, norm, sizeof(norm)) < 0)
		return FZ_ERR;
	for (i = 0; norm[i]; i++)
		if (norm[i] != '-')
			digits[n++] = norm[i];
	digits[n] = '\0';
	index_of(kr, "phone", digits, out);
	crypto_cleanse(norm, sizeof(norm));
	crypto_cleanse(digits, sizeof(digits));
	return FZ_OK;
}

int pii_index_idcard(const struct keyring *kr, const char *id,
		     char out[PII_INDEX_LEN + 1])
{
	char norm[PII_ID_LEN + 1];

	out[0] = '\0';
	if (!kr || pii_idcard_normalise(id, norm))
		return FZ_ERR;
	index_of(kr, "idcard", norm, out);
	crypto_cleanse(norm, sizeof(norm));
	return FZ_OK;
}
