/* buf.h - bounded, growable byte buffers (after curl's dynbuf).
 *
 * A buffer refuses to grow past its cap, so a hostile or broken peer cannot
 * make us allocate without bound. The data is always NUL-terminated so it
 * can be handed to string functions; len does not count the NUL. */
#ifndef ECSW_BUF_H
#define ECSW_BUF_H

#include <stdarg.h>
#include <stddef.h>

#define BUF_DEFAULT_CAP (64u * 1024u * 1024u)

struct buf {
	char *data;   /* owned; NULL until the first append */
	size_t len;   /* bytes used, excluding the NUL */
	size_t alloc; /* bytes allocated */
	size_t cap;   /* most bytes the buffer may ever hold */
};

/* Prepare an empty buffer that may hold at most cap bytes (0: default). */
void buf_init(struct buf *b, size_t cap);
/* Release the memory; the buffer is empty and reusable afterwards. */
void buf_free(struct buf *b);
/* As buf_free(), but wipe the bytes first: for buffers that held secrets. */
void buf_free_secret(struct buf *b);
/* Forget the contents, keep the memory. */
void buf_reset(struct buf *b);
/* Append; return 0, or -1 when out of memory or past the cap. */
int buf_append(struct buf *b, const void *data, size_t len);
int buf_append_str(struct buf *b, const char *s);
int buf_append_char(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Hand the contents to the caller (free() it) and leave the buffer empty.
 * Never NULL on success: an empty buffer yields "". Returns NULL on OOM. */
char *buf_take(struct buf *b);
/* The contents as a string, borrowed; "" when empty. */
const char *buf_str(const struct buf *b);

#endif
