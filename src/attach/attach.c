/* attach.c: uploaded files sealed on disk, their rows, and sending them
 *
 * A stored file is text: the line "fazhi-attachment 1", then one line per
 * megabyte of content, each that chunk sealed with crypto_seal() (SM4-CTR
 * and HMAC-SM3 under the active data key, its own IV).  Chunks keep every
 * seal below the keyring's size limit and the memory of a seal small.
 * Chunks are not bound to their position: reordering, dropping or
 * swapping them, or swapping whole files, is caught by the size and the
 * SM3 hash of the plain bytes kept in the row, which attach_open()
 * checks before anything is returned.
 */
#include "attach/attach.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/clock.h"
#include "crypto/crypto.h"
#include "http/server.h"
#include "store/store.h"

#define ATTACH_DIR "attachments"
#define FILE_MAGIC "fazhi-attachment 1\n"
#define CHUNK ((size_t)1 << 20)
#define STORAGE_LEN 35              /* "ab/" and 32 hex digits */

static int io_failed(struct fz_err *err, const char *what, const char *path)
{
	warn("attach: %s %s: %s", what, path ? path : "", strerror(errno));
	return fz_fail(err, 500, "attach_io",
		       "附件保存失败（存储错误），未保存任何内容");
}

/* Log a store failure (with the backend's words, which users never see)
 * and fill `err` through db_failed(). */
static int store_failed(struct fz_err *err, struct db *db, int rc)
{
	warn("attach: database error %d: %s", rc, db_errmsg(db));
	return db_failed(err, rc < 0 ? rc : DB_ERR);
}

void attach_store_from_req(struct req *r, struct attach_store *s)
{
	s->data_dir = r->w->srv->cfg.data_dir;
	s->kr = r->w->srv->keyring;
}

/* ---- paths ---- */

/* A storage name from the table is used in a path only when it has the
 * form attach_write() gives it. */
static bool storage_valid(const char *s)
{
	size_t i;

	if (!s || strlen(s) != STORAGE_LEN || s[2] != '/' ||
	    s[0] != s[3] || s[1] != s[4])
		return false;
	for (i = 0; i < STORAGE_LEN; i++)
		if (i != 2 && !((s[i] >= '0' && s[i] <= '9') ||
				(s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static char *path_of(const struct attach_store *s, const char *storage)
{
	return xasprintf("%s/" ATTACH_DIR "/%s", s->data_dir, storage);
}

static int fsync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return FZ_ERR;
	rc = fsync(fd);
	close(fd);
	return rc ? FZ_ERR : FZ_OK;
}

/* Create `path` (0700) unless it exists; a new directory is made durable
 * in its parent `parent`. */
static int make_dir(const char *path, const char *parent)
{
	if (mkdir(path, 0700) == 0)
		return fsync_dir(parent);
	return errno == EEXIST ? FZ_OK : FZ_ERR;
}

/* ---- writing ---- */

/* The sealed form of the `n` bytes at `p`, written to the new file `fd`. */
static int write_sealed(int fd, const struct keyring *kr, const uint8_t *p,
			size_t n)
{
	struct buf line = BUF_INIT;
	size_t off;
	int rc = FZ_ERR;

	if (write_all(fd, FILE_MAGIC, sizeof(FILE_MAGIC) - 1, false))
		goto out;
	for (off = 0; off < n; off += CHUNK) {
		size_t c = n - off < CHUNK ? n - off : CHUNK;

		buf_reset(&line);
		if (crypto_seal(kr, (const char *)p + off, c, &line)) {
			errno = EINVAL;
			goto out;
		}
		buf_putc(&line, '\n');
		if (buf_err(&line) || write_all(fd, line.data, line.len, false))
			goto out;
	}
	rc = fsync(fd) ? FZ_ERR : FZ_OK;
out:
	buf_release(&line);
	return rc;
}

/* Write the file of `f` (its storage name chosen) durably. */
static int write_file(const struct attach_store *s, const struct upload *u,
		      const struct attach_file *f, struct fz_err *err)
{
	char *top = xasprintf("%s/" ATTACH_DIR, s->data_dir);
	char *sub = xasprintf("%s/%.2s", top, f->storage);
	char *path = path_of(s, f->storage);
	char *tmp = xasprintf("%s.tmp", path);
	int fd = -1, rc = FZ_ERR;

	if (make_dir(top, s->data_dir) || make_dir(sub, top)) {
		io_failed(err, "cannot create", sub);
		goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		  0600);
	if (fd < 0) {
		io_failed(err, "cannot create", tmp);
		goto out;
	}
	if (write_sealed(fd, s->kr, u->data, u->len)) {
		io_failed(err, "cannot write", tmp);
		goto out;
	}
	if (close(fd)) {
		fd = -1;
		io_failed(err, "cannot write", tmp);
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) || fsync_dir(sub)) {
		io_failed(err, "cannot store", path);
		unlink(path);
		goto out;
	}
	rc = FZ_OK;
out:
	if (fd >= 0)
		close(fd);
	if (rc)
		unlink(tmp);
	free(top);
	free(sub);
	free(path);
	free(tmp);
	return rc;
}

int attach_write(const struct attach_store *s, const struct upload *u,
		 struct attach_file *f, struct fz_err *err)
{
	struct attach_kind kind;
	struct buf name = BUF_INIT, hex = BUF_INIT;
	uint8_t h[SM3_LEN];
	char rnd[33];

	memset(f, 0, sizeof(*f));
	if (attach_check_local(u, &kind, err))
		return FZ_ERR;
	if (!s->data_dir || !s->kr || crypto_random_hex(rnd, 16))
		return fz_fail(err, 500, "attach_io",
			       "附件保存失败（配置错误），未保存任何内容");
	snprintf(f->storage, sizeof(f->storage), "%.2s/%s", rnd, rnd);
	if (crypto_seal(s->kr, u->filename, strlen(u->filename), &name)) {
		buf_release(&name);
		return fz_fail(err, 500, "attach_io",
			       "附件保存失败（加密错误），未保存任何内容");
	}
	if (write_file(s, u, f, err)) {
		buf_release(&name);
		return FZ_ERR;
	}
	crypto_sm3(u->data, u->len, h);
	buf_hex(&hex, h, sizeof(h));
	snprintf(f->sm3, sizeof(f->sm3), "%s", buf_cstr(&hex));
	buf_release(&hex);
	f->mime = kind.mime;
	f->size = (int64_t)u->len;
	f->name_sealed = buf_detach(&name, NULL);
	return FZ_OK;
}

void attach_discard(const struct attach_store *s, const struct attach_file *f)
{
	char *path;

	if (!storage_valid(f->storage))
		return;
	path = path_of(s, f->storage);
	if (unlink(path) && errno != ENOENT)
		warn("attach: cannot remove %s: %s", path, strerror(errno));
	free(path);
}

void attach_file_release(struct attach_file *f)
{
	free(f->name_sealed);
	memset(f, 0, sizeof(*f));
}

/* ---- rows ---- */

/* Run `body` inside the caller's transaction, or in one of its own. */
static int in_tx(struct db *db, int (*body)(struct db *, void *), void *arg)
{
	int rc;

	if (db_in_tx(db))
		return body(db, arg);
	rc = db_begin(db);
	if (rc < 0)
		return rc;
	rc = body(db, arg);
	if (rc < 0) {
		db_rollback(db);
		return rc;
	}
	rc = db_commit(db);
	if (rc < 0)
		db_rollback(db);
	return rc;
}

struct insert {
	const struct attach_file *f;
	int64_t uploaded_by;
	int64_t id;
};

static int insert_row(struct db *db, void *arg)
{
	struct insert *in = arg;
	struct db_rows *q;
	int rc;

	q = db_query(db, "INSERT INTO attachments (name, mime, size, sm3, "
		     "storage, uploaded_by, created_at) VALUES (?, ?, ?, ?, "
		     "?, ?, ?) RETURNING id", "ssisszi", in->f->name_sealed,
		     in->f->mime, in->f->size, in->f->sm3, in->f->storage,
		     in->uploaded_by, clock_now());
	if (!q)
		return db_errcode(db) < 0 ? db_errcode(db) : DB_ERR;
	rc = db_next(q);
	if (rc == 1)
		in->id = db_int(q, 0);
	else	/* now: freeing and rolling back clear the message */
		warn("attach: cannot record a file: %s", db_errmsg(db));
	db_rows_free(q);
	return rc == 1 ? 0 : rc < 0 ? rc : DB_ERR;
}

int attach_insert(struct db *db, const struct attach_file *f,
		  int64_t uploaded_by, int64_t *id, struct fz_err *err)
{
	struct insert in = { f, uploaded_by > 0 ? uploaded_by : 0, 0 };
	int rc;

	if (!storage_valid(f->storage) || !f->name_sealed || !f->mime)
		return fz_fail(err, 500, "attach_io",
			       "附件保存失败（内部错误），未保存任何内容");
	rc = in_tx(db, insert_row, &in);
	if (rc < 0)
		return db_failed(err, rc);
	*id = in.id;
	return FZ_OK;
}

int attach_save(struct db *db, const struct attach_store *s,
		const struct upload *u, int64_t uploaded_by, int64_t *id,
		struct fz_err *err)
{
	struct attach_file f;
	int rc;

	if (attach_write(s, u, &f, err))
		return FZ_ERR;
	rc = attach_insert(db, &f, uploaded_by, id, err);
	if (rc)
		attach_discard(s, &f);
	attach_file_release(&f);
	return rc;
}

#define ROW_COLUMNS "id, case_id, event_id, field, name, mime, size, sm3, " \
		    "uploaded_by, created_at, expired_at, storage"

/* A row read, its sealed name and storage still to be used. */
struct row {
	struct attach_info info;
	char *name_sealed;
	char storage[STORAGE_LEN + 1];
};

static void row_read(struct db_rows *q, struct row *r)
{
	memset(r, 0, sizeof(*r));
	r->info.id = db_int(q, 0);
	r->info.case_id = db_int(q, 1);
	r->info.event_id = db_int(q, 2);
	r->info.field = db_strdup(q, 3);
	r->name_sealed = db_strdup(q, 4);
	r->info.mime = attach_mime_static(db_text(q, 5));
	r->info.size = db_int(q, 6);
	snprintf(r->info.sm3, sizeof(r->info.sm3), "%s", db_str(q, 7));
	r->info.uploaded_by = db_int(q, 8);
	r->info.created_at = db_int(q, 9);
	r->info.expired_at = db_int(q, 10);
	snprintf(r->storage, sizeof(r->storage), "%s", db_str(q, 11));
}

/* Unseal the row's name into its info (NULL when it does not verify). */
static void row_open_name(const struct attach_store *s, struct row *r)
{
	struct buf b = BUF_INIT;

	if (crypto_open(s->kr, r->name_sealed, &b) == 0 &&
	    !memchr(b.data ? b.data : "", '\0', b.len)) {
		r->info.name = buf_detach(&b, NULL);
		return;
	}
	warn("attach: the name of attachment %lld failed its integrity check",
	     (long long)r->info.id);
	buf_release(&b);
}

static void row_release(struct row *r)
{
	free(r->name_sealed);
	r->name_sealed = NULL;
}

static int row_get(struct db *db, int64_t id, struct row *r,
		   struct fz_err *err)
{
	struct db_rows *q;
	int rc;

	q = db_query(db, "SELECT " ROW_COLUMNS " FROM attachments "
		     "WHERE id = ?", "i", id);
	if (!q)
		return store_failed(err, db, db_errcode(db));
	rc = db_next(q);
	if (rc == 1)
		row_read(q, r);
	db_rows_free(q);
	if (rc < 0)
		return store_failed(err, db, rc);
	if (rc == 0)
		return fz_fail(err, 404, "not_found", "附件不存在");
	return FZ_OK;
}

void attach_info_release(struct attach_info *a)
{
	free(a->field);
	free(a->name);
	memset(a, 0, sizeof(*a));
}

int attach_get(struct db *db, const struct attach_store *s, int64_t id,
	       struct attach_info *out, struct fz_err *err)
{
	struct row r;

	memset(out, 0, sizeof(*out));
	if (row_get(db, id, &r, err))
		return FZ_ERR;
	row_open_name(s, &r);
	row_release(&r);
	*out = r.info;
	return FZ_OK;
}

/* ---- reading ---- */

static int tampered(struct fz_err *err, int64_t id, const char *why)
{
	warn("attach: attachment %lld failed its integrity check (%s)",
	     (long long)id, why);
	return fz_fail(err, 500, "attach_tamper",
		       "附件校验失败：文件可能已被篡改或损坏，已拒绝读取");
}

/* Unseal the lines of `raw` (a whole stored file) into `out` and check
 * them against the row. */
static int unseal(const struct attach_store *s, const struct row *r,
		  struct buf *raw, struct buf *out, struct fz_err *err)
{
	struct buf chunk = BUF_INIT, hex = BUF_INIT;
	uint8_t h[SM3_LEN];
	char *p, *end, *nl;
	size_t m = sizeof(FILE_MAGIC) - 1;
	int rc = FZ_ERR;

	if (raw->len < m || memcmp(raw->data, FILE_MAGIC, m))
		return tampered(err, r->info.id, "not a stored file");
	p = raw->data + m;
	end = raw->data + raw->len;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl) {
			tampered(err, r->info.id, "cut short");
			goto out;
		}
		*nl = '\0';
		/* Every chunk but the last is full: a shorter one in the
		 * middle means lines were dropped or moved. */
		if (out->len % CHUNK || crypto_open(s->kr, p, &chunk) ||
		    chunk.len == 0 || chunk.len > CHUNK ||
		    out->len + chunk.len > (size_t)r->info.size) {
			tampered(err, r->info.id, "a chunk does not verify");
			goto out;
		}
		buf_add(out, chunk.data, chunk.len);
		p = nl + 1;
	}
	crypto_sm3(out->data, out->len, h);
	buf_hex(&hex, h, sizeof(h));
	if (buf_err(out) || out->len != (size_t)r->info.size ||
	    hex.len != 64 || strlen(r->info.sm3) != 64 ||
	    !crypto_equal(hex.data, r->info.sm3, 64)) {
		tampered(err, r->info.id, "size or SM3 differs");
		goto out;
	}
	rc = FZ_OK;
out:
	buf_release(&chunk);
	buf_release(&hex);
	return rc;
}

int attach_open(struct db *db, const struct attach_store *s, int64_t id,
		struct attach_blob *out, struct fz_err *err)
{
	struct buf raw;
	struct row r;
	size_t size, max;
	char *path;
	int rc;

	memset(out, 0, sizeof(*out));
	if (row_get(db, id, &r, err))
		return FZ_ERR;
	rc = FZ_ERR;
	if (r.info.expired_at) {
		fz_fail(err, 410, "expired", "附件已超过保存期限，已删除");
		goto out;
	}
	if (!storage_valid(r.storage) || r.info.size <= 0 ||
	    (uint64_t)r.info.size > SIZE_MAX / 2) {
		tampered(err, id, "bad row");
		goto out;
	}
	size = (size_t)r.info.size;
	/* Base64 makes 4 of 3, plus per-chunk key id, IV and MAC. */
	max = 64 + size / 3 * 4 + (size / CHUNK + 1) * 160;
	buf_init(&raw, max + 1);
	path = path_of(s, r.storage);
	if (read_file(path, &raw, max)) {
		int e = errno;

		if (e == EFBIG)
			tampered(err, id, "file too long");
		else
			fz_fail(err, 500, "attach_io",
				"附件文件无法读取（存储错误）");
		warn("attach: cannot read the file of attachment %lld: %s: %s",
		     (long long)id, path, strerror(e));
		free(path);
		buf_release(&raw);
		goto out;
	}
	free(path);
	buf_init(&out->data, size + 1);
	rc = unseal(s, &r, &raw, &out->data, err);
	buf_release(&raw);
	if (rc) {
		crypto_cleanse(out->data.data, out->data.len);
		buf_release(&out->data);
		goto out;
	}
	row_open_name(s, &r);
	if (!r.info.name) {
		rc = tampered(err, id, "name does not verify");
		buf_release(&out->data);
	}
out:
	row_release(&r);
	if (rc)
		attach_info_release(&r.info);
	else
		out->info = r.info;
	return rc;
}

void attach_blob_release(struct attach_blob *b)
{
	attach_info_release(&b->info);
	if (b->data.data)
		crypto_cleanse(b->data.data, b->data.len);
	buf_release(&b->data);
}

/* ---- sending ---- */

/* RFC 8187 attr-char: sent as is in filename*; everything else as %XX. */
static bool attr_char(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || (c && strchr("!#$&+-.^_`|~", c));
}

int attach_send(struct req *r, struct attach_blob *b)
{
	const char *name = b->info.name ? b->info.name : "";
	const char *dot = strrchr(name, '.');
	struct buf cd = BUF_INIT;
	size_t i;

	/* The ASCII fallback keeps only a short alphanumeric extension. */
	buf_puts(&cd, "attachment; filename=\"attachment");
	if (dot && strlen(dot + 1) <= 5 && dot[1]) {
		for (i = 1; dot[i]; i++)
			if (!((dot[i] >= 'a' && dot[i] <= 'z') ||
			      (dot[i] >= 'A' && dot[i] <= 'Z') ||
			      (dot[i] >= '0' && dot[i] <= '9')))
				break;
		if (!dot[i])
			buf_puts(&cd, dot);
	}
	buf_puts(&cd, "\"; filename*=UTF-8''");
	for (i = 0; name[i]; i++) {
		unsigned char c = (unsigned char)name[i];

		if (attr_char(c))
			buf_putc(&cd, c);
		else
			buf_printf(&cd, "%%%02X", c);
	}
	req_set_header(r, "Content-Disposition", buf_cstr(&cd));
	buf_release(&cd);
	/* Sent with the site's own policy as well: a browser obeys both,
	 * so a file opened in a tab runs nothing and reaches nothing. */
	req_set_header(r, "Content-Security-Policy", "sandbox");
	req_set_header(r, "Cache-Control", "private, no-store");
	r->ctype = b->info.mime ? b->info.mime : "application/octet-stream";
	buf_release(&r->out);
	r->out = b->data;
	buf_init(&b->data, 0);
	return 200;
}

/* ---- binding and listing ---- */

struct bind {
	int64_t id, case_id, event_id;
	const char *field;
	int changed;
};

static int bind_row(struct db *db, void *arg)
{
	struct bind *b = arg;
	int rc;

	rc = db_exec(db, "UPDATE attachments SET case_id = ?, event_id = ?, "
		     "field = ? WHERE id = ? AND case_id IS NULL AND "
		     "expired_at = 0", "izsi", b->case_id, b->event_id,
		     b->field, b->id);
	if (rc < 0) {
		/* Now: the rollback that follows clears the message. */
		warn("attach: cannot bind a file: %s", db_errmsg(db));
		return rc;
	}
	b->changed = rc;
	return 0;
}

int attach_bind(struct db *db, int64_t id, int64_t case_id, int64_t event_id,
		const char *field, struct fz_err *err)
{
	struct bind b = { id, case_id, event_id, field ? field : "", 0 };
	int64_t n = 0;
	int rc;

	if (id <= 0 || case_id <= 0 || event_id < 0)
		return fz_fail(err, 404, "not_found", "附件不存在");
	rc = in_tx(db, bind_row, &b);
	if (rc < 0)
		return db_failed(err, rc);
	if (b.changed == 1)
		return FZ_OK;
	rc = db_scalar_int(db, &n, "SELECT COUNT(*) FROM attachments "
			   "WHERE id = ?", "i", id);
	if (rc < 0)
		return store_failed(err, db, rc);
	if (n == 0)
		return fz_fail(err, 404, "not_found", "附件不存在");
	return fz_fail(err, 409, "attach_bound",
		       "该附件已属于其他案件或已过期，不能再次使用");
}

int attach_list(struct db *db, const struct attach_store *s, int64_t case_id,
		attach_list_fn fn, void *arg, struct fz_err *err)
{
	struct row *rows = NULL;
	struct db_rows *q;
	size_t n = 0, i;
	int rc;

	q = db_query(db, "SELECT " ROW_COLUMNS " FROM attachments "
		     "WHERE case_id = ? ORDER BY id", "i", case_id);
	if (!q)
		return store_failed(err, db, db_errcode(db));
	while ((rc = db_next(q)) == 1) {
		rows = xrealloc(rows, (n + 1) * sizeof(*rows));
		row_read(q, &rows[n++]);
	}
	db_rows_free(q);
	if (rc < 0) {
		store_failed(err, db, rc);
		rc = FZ_ERR;
	}
	for (i = 0; i < n; i++) {
		if (rc == 0) {
			row_open_name(s, &rows[i]);
			rc = fn(&rows[i].info, arg);
		}
		row_release(&rows[i]);
		attach_info_release(&rows[i].info);
	}
	free(rows);
	return rc;
}
