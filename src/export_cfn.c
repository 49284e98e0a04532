#include "config.h"
#include "export.h"
char *export_cloudformation(const struct plan *p, const struct spec *s,
			    struct aws_error *err)
{
	(void)p; (void)s;
	aws_error_set(err, AWS_ERR_INTERNAL, "", "not yet");
	return NULL;
}
