/* attach.h: uploaded files — multipart bodies, content checks, sealed storage
 *
 * Security row WB-05.  A file reaches storage in three steps:
 *  1. multipart.c turns a multipart/form-data body into form fields and
 *     `struct upload`s (http.h); the router does this before the handler
 *     of an RF_UPLOAD route runs, so CSRF is checked as for any form;
 *  2. attach_check() judges each file (check.c): its name, its size, an
 *     allow-list of types on which the extension and the leading bytes
 *     must agree, the EICAR test signature and, when configured, clamd;
 *  3. attach_save() seals the bytes under the data keyring, writes them to
 *     DATA_DIR/attachments/<2 hex>/<32 hex> (a generated name outside the
 *     web root; the client's name is kept only sealed, in the row) and
 *     records them in the `attachments` table (attach/schema_sql.c).
 * A file is read back only through attach_open(), which checks the size
 * and the SM3 hash of what it unsealed, and sent only through
 * attach_send(): the detected type, Content-Disposition: attachment, a
 * sandboxing CSP.  A file is never served from the data directory.
 *
 * Refusals carry a stable code in err->code and a Chinese sentence that
 * names the file:
 *   too_large      over the per-file or per-request cap, or too many
 *                  files (413)
 *   empty          zero bytes (400)
 *   bad_name       a path, "..", a control or bidi character, a leading
 *                  dot, more than ATTACH_NAME_MAX characters (400)
 *   bad_type       an extension off the allow-list (415)
 *   type_mismatch  the bytes are not what the extension says (415)
 *   malware        the EICAR test signature, or clamd found something (400)
 *   scan_unavailable  clamd is configured but did not answer (503)
 */
#ifndef FZ_ATTACH_H
#define FZ_ATTACH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/util.h"
#include "http/http.h"

struct db;
struct keyring;

/* ---- multipart/form-data (multipart.c) ---- */

#define MULTIPART_MAX_BOUNDARY 70   /* RFC 2046 */
#define MULTIPART_MAX_PARTS 32      /* text fields and files together */
#define MULTIPART_MAX_HEADER 2048   /* bytes of one part's header block */
#define MULTIPART_MAX_HEADER_LINES 8

/*
 * The boundary parameter of a Content-Type header value such as
 * `multipart/form-data; boundary="----x"` (quoted or not; other
 * parameters are ignored).  It must be 1 to 70 characters of RFC 2046
 * bchars, not ending in a space.  0 with `out` filled, or FZ_ERR with err
 * filled (400, "bad_multipart") when the type is not multipart/form-data
 * or the boundary is missing, repeated or invalid.
 */
int multipart_boundary(const char *content_type,
		       char out[MULTIPART_MAX_BOUNDARY + 1],
		       struct fz_err *err);

/*
 * Parse the `n` bytes at `body` as multipart/form-data (RFC 7578) with
 * `boundary`.  Strict, and refused as a whole:
 *  - the body must start with the first delimiter (no preamble) and end
 *    with the close delimiter, followed by nothing or one CRLF;
 *  - every line of the framing ends in CRLF; header lines may not be
 *    folded and must be valid UTF-8 without controls;
 *  - each part has exactly one Content-Disposition: form-data with a
 *    non-empty name, at most one Content-Type, no Content-Transfer-
 *    Encoding other than 7bit, 8bit or binary, at most
 *    MULTIPART_MAX_HEADER_LINES header lines in MULTIPART_MAX_HEADER
 *    bytes; a repeated name, filename or filename* parameter is refused;
 *  - at most MULTIPART_MAX_PARTS parts.
 * Quoted parameter values end at the next '"' and keep backslashes as
 * they are: browsers percent-encode a quote (%22) rather than escape it,
 * and old ones sent Windows paths with backslashes, which attach_check()
 * must see to refuse.  filename*=UTF-8''%E6%96%87.pdf (RFC 8187) takes
 * precedence over filename.
 *
 * A part without a filename is a text field: it is appended to `form`
 * under the same rules as parse_urlencoded() (valid UTF-8 without NUL or
 * controls but \t\r\n, key up to PARSE_MAX_KEY bytes, value up to
 * PARSE_MAX_VALUE bytes).  A part with a filename is appended to
 * `*files`/`*nfiles` with its data pointing into `body` (no copy: `body`
 * must outlive the list); a part with an empty filename and no bytes is
 * a file input left empty and is skipped.
 *
 * 0 on success.  FZ_ERR with err filled (400, "bad_multipart", a Chinese
 * message) on failure, `form` and the file list then as they were.
 */
int multipart_parse(const void *body, size_t n, const char *boundary,
		    struct kvlist *form, struct upload **files,
		    size_t *nfiles, struct fz_err *err);

/* Free the strings of `n` uploads and the array. */
void upload_free(struct upload *files, size_t n);

/* ---- content checks (check.c) ---- */

#define ATTACH_FILE_MAX ((size_t)10 << 20)   /* bytes per file */
#define ATTACH_TOTAL_MAX ((size_t)20 << 20)  /* bytes per request */
#define ATTACH_FILES_MAX 10                  /* files per request */
#define ATTACH_NAME_MAX 100                  /* characters of a file name */

struct attach_limits {
	size_t file_max;
	size_t total_max;
	size_t files_max;
};

/*
 * Process-wide settings, to be made at start-up before the workers run
 * (they are read without locking).  A limit of 0 keeps its default.
 * Note that the server's own body limit (server_config.max_body_bytes)
 * must exceed total_max for the larger uploads to arrive at all.
 */
void attach_set_limits(const struct attach_limits *l);
void attach_get_limits(struct attach_limits *l);
/*
 * Scan every file with clamd through the unix socket at `path`
 * (zINSTREAM), or stop scanning when `path` is NULL or "".  Without a
 * socket only the built-in EICAR check runs.  With one, a file clamd
 * reports FOUND is refused ("malware"), and so is every file while clamd
 * cannot be reached or answers anything else ("scan_unavailable": the
 * check fails closed).  FZ_ERR when the path is too long for a socket.
 */
int attach_set_clamd(const char *path);

/* What attach_check() learnt of a file it accepted. */
struct attach_kind {
	const char *ext;   /* "pdf", lower case, static */
	const char *mime;  /* "application/pdf", static */
};

/*
 * Judge one file: its name, its size (1 byte to file_max), its type (the
 * extension must be on the allow-list — pdf jpg jpeg png doc xls docx
 * xlsx ofd txt — and the leading bytes must be that type's), the EICAR
 * test signature anywhere in it, and clamd when configured.  The part's
 * Content-Type is not trusted and not consulted.  0 with `kind` filled
 * (when not NULL), or FZ_ERR with err filled (see the codes above).
 */
int attach_check(const struct upload *u, struct attach_kind *kind,
		 struct fz_err *err);
/* attach_check() on each of `n` files, after checking the count
 * (files_max) and the sum of the sizes (total_max). */
int attach_check_all(const struct upload *u, size_t n, struct fz_err *err);
/* attach_check() without clamd: what attach_write() repeats so that
 * nothing off the allow-list is ever stored, whoever calls it. */
int attach_check_local(const struct upload *u, struct attach_kind *kind,
		       struct fz_err *err);
/* The allow-list as an <input type=file accept> value (".pdf,.jpg,…"),
 * and as a sentence for the hint under the input, with the size cap. */
const char *attach_accept(void);
const char *attach_hint(void);
/* The allow-list's own string for `mime` (as stored in the table), or
 * "application/octet-stream" for anything else. */
const char *attach_mime_static(const char *mime);

/* ---- storage (attach.c) ---- */

/* Where files live and what seals them.  In a handler, fill it with
 * attach_store_from_req(); elsewhere (tests, commands) by hand. */
struct attach_store {
	const char *data_dir;      /* files go under data_dir/attachments */
	const struct keyring *kr;
};

void attach_store_from_req(struct req *r, struct attach_store *s);

/* A file written by attach_write() and not yet (or no longer) recorded. */
struct attach_file {
	char storage[36];          /* "ab/ab…" (2 + 1 + 32 hex) */
	const char *mime;          /* static */
	int64_t size;
	char sm3[65];              /* SM3 of the plain bytes, hex */
	char *name_sealed;         /* crypto_seal() of the client's name */
};

/*
 * Check `u` (attach_check_local()), seal it chunk by chunk and write it
 * to a temporary file under a random name, fsync it, rename it into
 * place and fsync the directory.  No database work: a handler can do
 * this on its worker before the row goes in with the group commit.  0
 * with `f` filled (release it with attach_file_release()), or FZ_ERR
 * with err filled and nothing left on disk.
 */
int attach_write(const struct attach_store *s, const struct upload *u,
		 struct attach_file *f, struct fz_err *err);
/*
 * Record a written file: one row, unbound (no case yet), uploaded_by 0
 * for the public.  Inside the caller's transaction when one is open
 * (db_in_tx), else in its own.  0 with *id set, or FZ_ERR with err
 * filled; the caller then calls attach_discard().  A caller whose own
 * transaction rolls back later must call attach_discard() as well.
 */
int attach_insert(struct db *db, const struct attach_file *f,
		  int64_t uploaded_by, int64_t *id, struct fz_err *err);
/* Remove the file of `f` from disk (after a failed insert or commit). */
void attach_discard(const struct attach_store *s, const struct attach_file *f);
void attach_file_release(struct attach_file *f);

/* attach_write() then attach_insert(), removing the file when the insert
 * fails.  0 with *id set, or FZ_ERR with err filled. */
int attach_save(struct db *db, const struct attach_store *s,
		const struct upload *u, int64_t uploaded_by, int64_t *id,
		struct fz_err *err);

/* A row of the table, the client's name unsealed. */
struct attach_info {
	int64_t id;
	int64_t case_id;           /* 0 while unbound */
	int64_t event_id;          /* 0 when none */
	char *field;               /* the procedure field it fills, or "" */
	char *name;                /* NULL when its seal did not verify */
	const char *mime;          /* static (attach_mime_static) */
	int64_t size;
	char sm3[65];
	int64_t uploaded_by;       /* 0 for the public */
	int64_t created_at;
	int64_t expired_at;        /* 0 while kept */
};

void attach_info_release(struct attach_info *a);

/* One row.  0, or FZ_ERR with err filled (404 "not_found", or a store
 * failure). */
int attach_get(struct db *db, const struct attach_store *s, int64_t id,
	       struct attach_info *out, struct fz_err *err);

/* A file's row and its plain bytes. */
struct attach_blob {
	struct attach_info info;
	struct buf data;
};

/*
 * Read, unseal and verify a file: every chunk's MAC, then the size and
 * the SM3 hash recorded at upload, so a file that was altered, swapped,
 * cut short or reordered on disk is refused.  0 with `out` filled
 * (release it with attach_blob_release()), or FZ_ERR with err filled:
 * 404 "not_found", 410 "expired", 500 "attach_tamper" (also logged as an
 * integrity alert), 500 "attach_io" when the file is missing.
 */
int attach_open(struct db *db, const struct attach_store *s, int64_t id,
		struct attach_blob *out, struct fz_err *err);
void attach_blob_release(struct attach_blob *b);

/*
 * Make `b` the reply: its detected type, Content-Disposition: attachment
 * with the client's name (RFC 6266 filename*, and an ASCII fallback
 * "attachment.<ext>"), a CSP sandbox, no caching.  Takes the bytes out of
 * `b` (which the caller still releases).  Returns 200.
 */
int attach_send(struct req *r, struct attach_blob *b);

/*
 * Attach an unbound upload to a case (and the event that carried it,
 * 0 for none) as the value of `field`.  Refused when the row does not
 * exist (404 "not_found") or is bound already (409 "attach_bound"):
 * an upload belongs to one case, once.  Runs in the caller's
 * transaction when one is open.  0, or FZ_ERR with err filled.
 */
int attach_bind(struct db *db, int64_t id, int64_t case_id, int64_t event_id,
		const char *field, struct fz_err *err);

/* Called once per file of a case, in upload order; a non-zero return
 * stops the listing and is returned by attach_list(). */
typedef int (*attach_list_fn)(const struct attach_info *a, void *arg);

/*
 * The files bound to `case_id`, oldest first.  The rows are read first
 * and the callback runs after the query is closed, so it may use `db`.
 * A name whose seal does not verify is passed as NULL (and logged).
 * 0, the callback's non-zero value, or FZ_ERR with err filled.
 */
int attach_list(struct db *db, const struct attach_store *s, int64_t case_id,
		attach_list_fn fn, void *arg, struct fz_err *err);

#endif
