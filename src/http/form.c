/* form.c: the pieces every form and table page repeats */
#include "http/form.h"

#include <stdbool.h>

#include "auth/session.h"
#include "http/html.h"
#include "http/http.h"
#include "http/layout.h"

static void begin(struct req *r, const char *action, const char *error,
		  bool files)
{
	struct buf *b = &r->out;

	page_alert(b, NULL, error);
	html(b, "<form method=\"post\" action=\"%s\" class=\"form\"%r>",
	     action, files ? " enctype=\"multipart/form-data\"" : "");
	html_hidden(b, "csrf", session_csrf(r));
}

void form_begin(struct req *r, const char *action, const char *error)
{
	begin(r, action, error, false);
}

void form_begin_files(struct req *r, const char *action, const char *error)
{
	begin(r, action, error, true);
}

void form_text(struct buf *b, const char *name, const char *label,
	       const char *value, int maxlength, const char *attrs,
	       const char *hint)
{
	html(b, "<div class=\"field\"><label for=\"%s\">%s</label>"
	     "<input id=\"%s\" name=\"%s\" type=\"text\" value=\"%s\" "
	     "maxlength=\"%d\"%r", name, label, name, name, value ? value : "",
	     maxlength, attrs ? attrs : "");
	if (hint)
		html(b, " aria-describedby=\"%s-hint\"><p class=\"muted\" "
		     "id=\"%s-hint\">%s</p></div>", name, name, hint);
	else
		html(b, "></div>");
}

void table_head(struct buf *b, const char *const *cols)
{
	html(b, "<thead><tr>");
	for (; *cols; cols++)
		html(b, "<th scope=\"col\">%s</th>", *cols);
	html(b, "</tr></thead><tbody>");
}

void table_end(struct buf *b, const char *const *cols, size_t rows,
	       const char *empty)
{
	int span = 0;

	while (cols[span])
		span++;
	if (!rows)
		html(b, "<tr><td colspan=\"%d\" class=\"muted\">%s</td></tr>",
		     span, empty);
	html(b, "</tbody></table></div>");
}
