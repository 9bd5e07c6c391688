/* SPDX-License-Identifier: BSD-2-Clause */
#include "cli.h"
int
do_export(int argc, char **argv)
{
	return EXIT_FAIL;
}
