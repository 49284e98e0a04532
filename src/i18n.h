/* i18n.h - gettext macros shared by the engine and the screens.
 *
 * Every string a person reads goes through _() (or N_() where it sits in a
 * static table and is translated when shown). */
#ifndef ECSW_I18N_H
#define ECSW_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)
#define P_(s, p, n) ngettext((s), (p), (n))

#endif
