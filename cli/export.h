/* SPDX-License-Identifier: BSD-2-Clause */
/* Where `mbuftrace export` sends its OTLP JSON: a file or an HTTP URL. */
#ifndef MBT_CLI_EXPORT_H
#define MBT_CLI_EXPORT_H

#include <stddef.h>

/*
 * Write body to dest: "-" is standard output, "http://HOST[:PORT][/PATH]"
 * is POSTed as application/json (to /v1/traces when there is no path,
 * as OTLP/HTTP receivers expect); anything else is a file.  Errors are
 * reported; returns 0 or -1.
 */
int otlp_deliver(const char *dest, const char *body, size_t len);

#endif /* MBT_CLI_EXPORT_H */
