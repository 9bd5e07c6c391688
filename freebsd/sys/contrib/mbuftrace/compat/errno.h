/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Kernel stand-in for <errno.h>, so libmbuftrace's encoder builds
 * unchanged in the kernel.
 */
#include <sys/errno.h>
