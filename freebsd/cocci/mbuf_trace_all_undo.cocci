// SPDX-License-Identifier: BSD-2-Clause
// Removes what mbuf_trace_all.cocci added: every MTRACE_ALL and
// MTRACE_ALL_PP statement and the #include of <sys/mbuf_trace_all.h>.
// Nothing else names them, so the file comes back byte for byte.

@@
expression e;
@@
(
-MTRACE_ALL(e);
|
-MTRACE_ALL_PP(e);
)

@@
@@
-#include <sys/mbuf_trace_all.h>
