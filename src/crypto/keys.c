/* keys.c: the default key provider, one owner-only file per key item
 *
 * Items live in DATA_DIR/keys (mode 0700), each in a file of mode 0600
 * owned by the server's user.  A key file that any other user can read,
 * or that belongs to someone else, is refused rather than used: a key
 * that may have leaked must be replaced, not trusted silently.
 */
#include "crypto/crypto.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"

/* Key items are small (a PEM key, a few dozen data keys). */
#define KEY_FILE_MAX ((size_t)1 << 20)
#define ITEM_NAME_MAX 128

struct file_kp {
	char *dir;
};

/* Item names become file names: [A-Za-z0-9._-], no leading dot, so no
 * path separators, no "..", and no hidden or temporary files. */
static bool item_name_ok(const char *item)
{
	size_t n;
	const char *s;

	if (!item || !*item || *item == '.')
		return false;
	for (s = item, n = 0; *s; s++, n++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' ||
		      *s == '-'))
			return false;
	}
	return n <= ITEM_NAME_MAX;
}

static char *item_path(struct key_provider *kp, const char *item)
{
	struct file_kp *f = kp->data;

	return xasprintf("%s/%s", f->dir, item);
}

static int kp_fail(char *err, size_t errlen, const char *fmt, ...)
	FZ_PRINTF(3, 4);

static int kp_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return FZ_ERR;
}

/* Check what an open key file is before reading it: a regular file,
 * ours, and closed to group and others. */
static int check_key_file(int fd, const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st))
		return kp_fail(err, errlen, "cannot stat key file '%s': %s",
			       path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return kp_fail(err, errlen, "key file '%s' is not a regular "
			       "file", path);
	if (st.st_uid != geteuid())
		return kp_fail(err, errlen, "key file '%s' is owned by uid %ld,"
			       " not by this server's uid %ld; refusing to "
			       "use it", path, (long)st.st_uid,
			       (long)geteuid());
	if (st.st_mode & 077)
		return kp_fail(err, errlen, "key file '%s' has mode %04o: "
			       "group and others must have no access; "
			       "refusing to use it (replace the key, then "
			       "chmod 600)", path,
			       (unsigned)(st.st_mode & 07777));
	if ((size_t)st.st_size > KEY_FILE_MAX)
		return kp_fail(err, errlen, "key file '%s' is too large",
			       path);
	return FZ_OK;
}

/* Read the whole file into one allocation, so no stray copies of key
 * material are left in memory freed by a growing buffer. */
static int read_key_fd(int fd, struct buf *out)
{
	char *tmp = xmalloc(KEY_FILE_MAX);
	size_t len = 0;
	ssize_t r;
	int rc = FZ_ERR;

	for (;;) {
		r = read(fd, tmp + len, KEY_FILE_MAX - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto out;
		if (r == 0)
			break;
		len += (size_t)r;
		if (len == KEY_FILE_MAX) {
			errno = EFBIG;
			goto out;
		}
	}
	buf_add(out, tmp, len);
	if (!buf_err(out))
		rc = FZ_OK;
out:
	crypto_cleanse(tmp, len);
	free(tmp);
	return rc;
}

static int file_read(struct key_provider *kp, const char *item,
		     struct buf *out, char *err, size_t errlen)
{
	char *path;
	int fd, rc;

	if (!item_name_ok(item))
		return kp_fail(err, errlen, "invalid key item name");
	path = item_path(kp, item);
	/* O_NOFOLLOW: a symbolic link could point anywhere. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		rc = kp_fail(err, errlen, "cannot open key file '%s': %s",
			     path, strerror(errno));
		goto out;
	}
	rc = check_key_file(fd, path, err, errlen);
	if (!rc && read_key_fd(fd, out))
		rc = kp_fail(err, errlen, "cannot read key file '%s': %s",
			     path, strerror(errno));
	close(fd);
out:
	free(path);
	return rc;
}

/* fsync the directory so that a rename survives a crash. */
static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return FZ_ERR;
	rc = fsync(fd) ? FZ_ERR : FZ_OK;
	close(fd);
	return rc;
}

static int file_write(struct key_provider *kp, const char *item,
		      const void *p, size_t n)
{
	struct file_kp *f = kp->data;
	char *path;
	int rc;

	if (!item_name_ok(item))
		return error("invalid key item name");
	path = item_path(kp, item);
	rc = write_file_atomic(path, p, n, 0600);
	if (rc)
		error("cannot write key file '%s': %s", path,
		      strerror(errno));
	else if (sync_dir(f->dir))
		rc = error("cannot sync key directory '%s': %s", f->dir,
			   strerror(errno));
	free(path);
	return rc;
}

static int file_exists(struct key_provider *kp, const char *item)
{
	struct stat st;
	char *path;
	int found;

	if (!item_name_ok(item))
		return 0;
	path = item_path(kp, item);
	found = lstat(path, &st) == 0;
	free(path);
	return found;
}

/* Make sure `dir` exists, belongs to us and is closed to others.  A
 * directory of ours that is too open is tightened, with a warning. */
static int prepare_dir(const char *dir)
{
	struct stat st;

	if (mkdir(dir, 0700) == 0) {
		/* mkdir() applies the umask; make the mode exact. */
		if (chmod(dir, 0700))
			return error("cannot chmod '%s': %s", dir,
				     strerror(errno));
		return FZ_OK;
	}
	if (errno != EEXIST)
		return error("cannot create key directory '%s': %s", dir,
			     strerror(errno));
	if (stat(dir, &st))
		return error("cannot stat '%s': %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return error("key directory '%s' is not a directory", dir);
	if (st.st_uid != geteuid())
		return error("key directory '%s' is owned by uid %ld, not by "
			     "this server's uid %ld", dir, (long)st.st_uid,
			     (long)geteuid());
	if (st.st_mode & 077) {
		warn("key directory '%s' had mode %04o; setting 0700", dir,
		     (unsigned)(st.st_mode & 07777));
		if (chmod(dir, 0700))
			return error("cannot chmod '%s': %s", dir,
				     strerror(errno));
	}
	return FZ_OK;
}

/* Set up kp as the file provider for DATA_DIR/keys, creating the
 * directory (0700) if needed; data_dir itself must exist.  0 on success;
 * release with key_provider_release(). */
int key_provider_file(struct key_provider *kp, const char *data_dir)
{
	struct file_kp *f;
	char *dir;

	memset(kp, 0, sizeof(*kp));
	if (!data_dir || !*data_dir)
		return error("no data directory for keys");
	dir = xasprintf("%s/keys", data_dir);
	if (prepare_dir(dir)) {
		free(dir);
		return FZ_ERR;
	}
	f = xmalloc(sizeof(*f));
	f->dir = dir;
	kp->name = "file";
	kp->read = file_read;
	kp->write = file_write;
	kp->exists = file_exists;
	kp->data = f;
	return FZ_OK;
}

/* Release what key_provider_file() set up; kp is zeroed. */
void key_provider_release(struct key_provider *kp)
{
	struct file_kp *f;

	/* Another provider's data is not ours to free. */
	if (!kp || kp->read != file_read)
		return;
	f = kp->data;
	if (f) {
		free(f->dir);
		free(f);
	}
	memset(kp, 0, sizeof(*kp));
}
