/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Kernel stand-in for <string.h>: memcpy, memset, memcmp, strlen come from
 * libkern.
 */
#include <sys/param.h>
#include <sys/systm.h>
