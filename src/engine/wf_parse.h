/* wf_parse.h: reading procedure definitions (private to engine/)
 *
 * workflow.c keeps the registry and reads the files; wf_validate.c holds
 * every rule a definition must satisfy; wf_lines.c finds the line of the
 * text an error is about.  The functions here begin with wfp_.
 */
#ifndef FZ_WF_PARSE_H
#define FZ_WF_PARSE_H

#include <stddef.h>

#include <jansson.h>

#include "core/util.h"
#include "engine/workflow.h"

#define DEF_MAX_BYTES (1 << 20)

/* What an error is about: the section key, the object in it (its "id",
 * or its key in "fields"), a key inside the object and the value;
 * `skip` passes over that many earlier objects of the same id (for a
 * duplicate, the second one is the one to show). */
struct loc {
	const char *section;
	const char *obj;
	const char *key;
	const char *value;
	int skip;
};

#define LOC(s, o, k, v) (&(struct loc){ (s), (o), (k), (v), 0 })

/* The line (from 1) of the definition text `t` that `l` is about: the
 * search for the section, the object, the key and the value in turn;
 * see workflow.h. */
int wfp_line(const char *t, const struct loc *l);

/* Check the parsed JSON `root` of the file w->path, whose text is
 * `text`, and fill in `w` (allocated, zeroed but for its path).  0, or
 * FZ_ERR with err->msg "FILE:LINE: problem"; on failure `w` holds what
 * was read so far, for the caller to free. */
int wfp_parse(struct workflow *w, const char *text, json_t *root,
	      struct fz_err *err);

/* Whether `w` clashes with one of the `n` definitions of `v`: the same
 * procedure and version, or another procedure's number format.  0, or
 * FZ_ERR with err->msg naming both files. */
int wfp_check_unique(struct workflow *const *v, size_t n,
		     struct workflow *w, struct fz_err *err);

/* The enum option `id` of a field; NULL when it has none. */
const struct wf_option *wfp_option(const struct wf_field *f, const char *id);

/* Free `n` strings and the array holding them. */
void wfp_free_strv(char **v, size_t n);

#endif
