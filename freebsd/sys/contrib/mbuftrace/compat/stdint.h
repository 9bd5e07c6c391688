/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Kernel stand-in for <stdint.h>: sys/types.h defines bool, the fixed-
 * width types and size_t in the kernel.
 */
#include <sys/types.h>
