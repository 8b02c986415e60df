/* wf_lines.c: the line of a definition's text that an error is about */
#include "engine/wf_parse.h"

#include <stdbool.h>
#include <string.h>

#define NOT_FOUND ((size_t)-1)

static size_t skip_ws(const char *t, size_t i)
{
	while (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r')
		i++;
	return i;
}

/* Offset of the JSON string "s" at or after `from`. */
static size_t find_string(const char *t, size_t from, const char *s)
{
	size_t n = strlen(s);
	const char *p = t + from;

	while ((p = strchr(p, '"'))) {
		if (strncmp(p + 1, s, n) == 0 && p[n + 1] == '"' &&
		    (p == t || p[-1] != '\\'))
			return (size_t)(p - t);
		p++;
	}
	return NOT_FOUND;
}

/* Offset of the key "key" (a string followed by a colon). */
static size_t find_key(const char *t, size_t from, const char *key)
{
	size_t i = from;

	while ((i = find_string(t, i, key)) != NOT_FOUND) {
		if (t[skip_ws(t, i + strlen(key) + 2)] == ':')
			return i;
		i++;
	}
	return NOT_FOUND;
}

/* Offset of the member "id": "obj". */
static size_t find_id(const char *t, size_t from, const char *obj)
{
	size_t i = from, v;

	while ((i = find_key(t, i, "id")) != NOT_FOUND) {
		v = skip_ws(t, skip_ws(t, i + 4) + 1);
		if (find_string(t, v, obj) == v)
			return v;
		i++;
	}
	return NOT_FOUND;
}

static int line_of(const char *t, size_t off)
{
	int line = 1;
	size_t i;

	for (i = 0; i < off && t[i]; i++)
		if (t[i] == '\n')
			line++;
	return line;
}

/* jansson reports positions for syntax errors only, so the line of a
 * wrong value is found by searching the text.  Each step searches after
 * the previous one; a step that finds nothing is skipped, so the line
 * falls back to the enclosing object. */
int wfp_line(const char *t, const struct loc *l)
{
	size_t off = 0, at;

	if (l->section && (at = find_key(t, off, l->section)) !=
	    NOT_FOUND)
		off = at;
	if (l->obj) {
		bool field = l->section && strcmp(l->section, "fields") == 0;
		size_t from = off;
		int i;

		for (i = 0; i <= l->skip; i++) {
			at = field ? find_key(t, from, l->obj) :
			     find_id(t, from, l->obj);
			if (at == NOT_FOUND)
				break;
			off = at;
			from = at + 1;
		}
	}
	if (l->key && (at = find_key(t, off, l->key)) != NOT_FOUND)
		off = at;
	if (l->value && (at = find_string(t, off, l->value)) !=
	    NOT_FOUND)
		off = at;
	return line_of(t, off);
}
