/* i18n.c - how wide a translated string is on a terminal.
 *
 * Translations carry accents (one column, two bytes in UTF-8): columns of
 * text and button positions are counted in screen columns, never bytes. */
#include "config.h"

#include <string.h>
#include <wchar.h>

#include "i18n.h"

int i18n_width_n(const char *s, size_t n)
{
	mbstate_t st;
	int cols = 0;

	memset(&st, 0, sizeof(st));
	while (n > 0 && *s) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, s, n, &st);
		int w;

		if (k == (size_t)-1 || k == (size_t)-2) {
			/* Not text in this locale: one column per byte, as the
			 * terminal will likely show it. */
			memset(&st, 0, sizeof(st));
			k = 1;
			w = 1;
		} else {
			w = wcwidth(wc);
			if (w < 0)
				w = 1;
		}
		cols += w;
		s += k;
		n -= k;
	}
	return cols;
}

int i18n_width(const char *s)
{
	return i18n_width_n(s, strlen(s));
}

void i18n_fpad(FILE *f, const char *s, int width)
{
	int w = i18n_width(s);

	fputs(s, f);
	for (; w < width; w++)
		fputc(' ', f);
}
