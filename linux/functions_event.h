/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The point of a full-function hop, MBT_LX_P_FUNCTION, now lives in
 * enum mbt_lx_point of record_event.h; this header stays so that the
 * function-tracing files keep one include for it.
 */
#ifndef MBT_LINUX_FUNCTIONS_EVENT_H
#define MBT_LINUX_FUNCTIONS_EVENT_H

#include "record_event.h"

#endif /* MBT_LINUX_FUNCTIONS_EVENT_H */
