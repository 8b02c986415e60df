/* static.c: the site's own assets and vendor assets, cached in memory */
#include "http/static.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/util.h"
#include "crypto/crypto.h"
#include "http/compress.h"
#include "http/http.h"
#include "http/server.h"

#define STATIC_MAX_FILE (8 << 20)
#define STATIC_MAX_DEPTH 8

struct asset {
	char *path;     /* relative, e.g. "css/site.css" */
	struct buf body;
	struct buf gz;  /* empty when not worth compressing */
	char etag[35];  /* quoted */
	const char *ctype;
};

struct static_cache {
	struct asset *items;
	size_t n, cap;
};

static const struct { const char *ext, *type; } types[] = {
	{ ".css", "text/css; charset=utf-8" },
	{ ".js", "application/javascript; charset=utf-8" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".ico", "image/x-icon" },
	{ ".woff2", "font/woff2" },
	{ ".json", "application/json; charset=utf-8" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".html", "text/html; charset=utf-8" },
};

static const char *ctype_for(const char *path)
{
	const char *dot = strrchr(path, '.');
	size_t i;

	for (i = 0; dot && i < ARRAY_SIZE(types); i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return NULL;
}

static int add_asset(struct static_cache *c, const char *file,
		     const char *rel)
{
	const char *ctype = ctype_for(rel);
	uint8_t h[SM3_LEN];
	struct asset *a;
	struct buf hex = BUF_INIT;

	/* Unknown types are not served at all rather than guessed. */
	if (!ctype)
		return 0;
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 32;
		c->items = xrealloc(c->items, c->cap * sizeof(*c->items));
	}
	a = &c->items[c->n];
	memset(a, 0, sizeof(*a));
	buf_init(&a->body, STATIC_MAX_FILE);
	buf_init(&a->gz, STATIC_MAX_FILE);
	if (read_file(file, &a->body, STATIC_MAX_FILE)) {
		buf_release(&a->body);
		return error("cannot read %s", file);
	}
	a->path = xstrdup(rel);
	a->ctype = ctype;
	crypto_sm3(a->body.data ? a->body.data : "", a->body.len, h);
	buf_hex(&hex, h, 16);
	snprintf(a->etag, sizeof(a->etag), "\"%s\"", buf_cstr(&hex));
	buf_release(&hex);
	if (compress_worthwhile(ctype, a->body.len) &&
	    compress_gzip(a->body.data, a->body.len, &a->gz))
		buf_release(&a->gz);
	c->n++;
	return 0;
}

static int load_dir(struct static_cache *c, const char *dir,
		    const char *prefix, int depth)
{
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if (depth > STATIC_MAX_DEPTH)
		return 0;
	d = opendir(dir);
	if (!d)
		return FZ_ERR;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		char *file, *rel;
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		file = xasprintf("%s/%s", dir, de->d_name);
		rel = xasprintf("%s%s", prefix, de->d_name);
		if (stat(file, &st) == 0 && S_ISDIR(st.st_mode)) {
			char *sub = xasprintf("%s/", rel);

			rc = load_dir(c, file, sub, depth + 1);
			free(sub);
		} else if (S_ISREG(st.st_mode)) {
			rc = add_asset(c, file, rel);
		}
		free(file);
		free(rel);
	}
	closedir(d);
	return rc;
}

static int asset_cmp(const void *a, const void *b)
{
	return strcmp(((const struct asset *)a)->path,
		      ((const struct asset *)b)->path);
}

struct static_cache *static_load(const char *web_dir, const char *vendor_dir,
				 char *err, size_t errlen)
{
	struct static_cache *c = xcalloc(1, sizeof(*c));

	if (load_dir(c, web_dir, "", 0)) {
		snprintf(err, errlen, "cannot read web assets in %s", web_dir);
		static_free(c);
		return NULL;
	}
	if (vendor_dir)
		load_dir(c, vendor_dir, "vendor/", 0);
	qsort(c->items, c->n, sizeof(*c->items), asset_cmp);
	return c;
}

void static_free(struct static_cache *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->n; i++) {
		free(c->items[i].path);
		buf_release(&c->items[i].body);
		buf_release(&c->items[i].gz);
	}
	free(c->items);
	free(c);
}

static const struct asset *find(const struct static_cache *c,
				const char *path)
{
	struct asset key = { .path = (char *)path };

	if (!c || !c->n)
		return NULL;
	return bsearch(&key, c->items, c->n, sizeof(*c->items), asset_cmp);
}

const char *static_etag(const struct static_cache *c, const char *path)
{
	const struct asset *a = find(c, path);

	return a ? a->etag : "";
}

int static_handler(struct req *r)
{
	const struct asset *a = find(r->w->srv->statics,
				     req_path_param(r, 0));
	const char *inm, *ae;

	if (!a)
		return req_fail(r, 404, "not_found", "文件不存在");
	req_set_header(r, "ETag", a->etag);
	/* Links carry ?v=<etag> (see layout.c), so a versioned URL never
	 * changes content and may be cached for a year. */
	req_set_header(r, "Cache-Control", req_query(r, "v") ?
		       "public, max-age=31536000, immutable" :
		       "public, max-age=3600");
	inm = req_header(r, "If-None-Match");
	if (inm && strcmp(inm, a->etag) == 0)
		return 304;
	r->ctype = a->ctype;
	ae = req_header(r, "Accept-Encoding");
	if (a->gz.len && ae && strstr(ae, "gzip")) {
		req_set_header(r, "Content-Encoding", "gzip");
		req_set_header(r, "Vary", "Accept-Encoding");
		r->body_ref = a->gz.data;
		r->body_ref_len = a->gz.len;
	} else {
		r->body_ref = a->body.data ? a->body.data : "";
		r->body_ref_len = a->body.len;
	}
	return 200;
}
