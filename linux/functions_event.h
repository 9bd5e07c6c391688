/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The point of a full-function hop in struct mbt_lx_event, shared by
 * linux/functions.bpf.c and user space.  The event's location is the
 * function's address; everything else is filled as at the tracepoints.
 * It belongs in enum mbt_lx_point of record_event.h; it lives here until
 * that header's owner adds it (a value past MBT_LX_P_MAX, so nothing
 * there moves).
 */
#ifndef MBT_LINUX_FUNCTIONS_EVENT_H
#define MBT_LINUX_FUNCTIONS_EVENT_H

enum { MBT_LX_P_FUNCTION = 64 };

#endif /* MBT_LINUX_FUNCTIONS_EVENT_H */
