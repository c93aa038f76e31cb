/*
 * textfile.h - read a whole text file (flow-size CDFs, traces) into memory.
 */
#ifndef NS_TEXTFILE_H
#define NS_TEXTFILE_H

#include "sim/error.h"

/* NS_OK and *text (NUL-terminated, free with ns_free), NS_EIO naming `what`
 * and the path if it cannot be read, NS_EINVAL if it holds a NUL byte */
int ns_read_text_file(const char *path, const char *what, char **text, ns_err *e);

#endif
