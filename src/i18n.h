/* i18n.h - gettext macros shared by the engine and the screens.
 *
 * Every string a person reads goes through _() (or N_() where it sits in a
 * static table and is translated when shown). */
#ifndef ECSW_I18N_H
#define ECSW_I18N_H

#include <libintl.h>
#include <stddef.h>
#include <stdio.h>

#define _(s) gettext(s)
#define N_(s) (s)
#define P_(s, p, n) ngettext((s), (p), (n))

/* Screen columns taken by s (its first n bytes) in the current locale;
 * bytes that are not valid text count one column each. */
int i18n_width(const char *s);
int i18n_width_n(const char *s, size_t n);
/* Print s and spaces up to width columns (printf's %-*s counts bytes). */
void i18n_fpad(FILE *f, const char *s, int width);

#endif
