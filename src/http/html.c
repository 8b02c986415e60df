/* html.c: the escaping writer every page goes through */
#include "http/html.h"

#include <stdarg.h>
#include <string.h>

void html_txtn(struct buf *b, const char *s, size_t n)
{
	size_t i, start = 0;

	for (i = 0; i < n; i++) {
		const char *rep;

		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		buf_add(b, s + start, i - start);
		buf_puts(b, rep);
		start = i + 1;
	}
	buf_add(b, s + start, n - start);
}

void html_txt(struct buf *b, const char *s)
{
	if (s)
		html_txtn(b, s, strlen(s));
}

void html_url_arg(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s;

	for (; p && *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-_.~", *p)) {
			buf_putc(b, *p);
		} else {
			buf_putc(b, '%');
			buf_putc(b, hex[*p >> 4]);
			buf_putc(b, hex[*p & 15]);
		}
	}
}

void html_raw(struct buf *b, const char *s)
{
	if (s)
		buf_puts(b, s);
}

void html(struct buf *b, const char *fmt, ...)
{
	const char *p = fmt, *lit = fmt;
	va_list ap;

	va_start(ap, fmt);
	while ((p = strchr(p, '%')) != NULL) {
		buf_add(b, lit, (size_t)(p - lit));
		switch (p[1]) {
		case 's': html_txt(b, va_arg(ap, const char *)); break;
		case 'u': html_url_arg(b, va_arg(ap, const char *)); break;
		case 'd': buf_printf(b, "%d", va_arg(ap, int)); break;
		case 'I': buf_printf(b, "%lld",
				     (long long)va_arg(ap, int64_t)); break;
		case 'r': html_raw(b, va_arg(ap, const char *)); break;
		case '%': buf_putc(b, '%'); break;
		default:
			/* A bad directive is a bug in the page code: make it
			 * visible rather than guessing. */
			buf_puts(b, "[bad html directive]");
			if (!p[1])
				p--;
			break;
		}
		p += 2;
		lit = p;
	}
	buf_puts(b, lit);
	va_end(ap);
}

void html_hidden(struct buf *b, const char *name, const char *value)
{
	html(b, "<input type=\"hidden\" name=\"%s\" value=\"%s\">", name,
	     value ? value : "");
}

void html_option(struct buf *b, const char *value, const char *label,
		 int selected)
{
	html(b, "<option value=\"%s\"%r>%s</option>", value,
	     selected ? " selected" : "", label);
}

void html_table_wrap(struct buf *b, const char *label_id)
{
	html(b, "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" "
	     "aria-labelledby=\"%s\">", label_id);
}
