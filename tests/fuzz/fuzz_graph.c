/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target for `mbuftrace graph`: the model (stacks, ports, hops,
 * ends, the layout) and its renderers (DOT, the sequence view, the HTML
 * page) over several traces at once, so that hops can form cycles.  The
 * input is traces separated by the four bytes "MBTX"; each is one captured
 * packet.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../cli/cli.h"
#include "../../cli/graph.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What main.c gives the commands; the renderers only report with it. */
bool cli_json;
const char *cli_name = "fuzz_graph";

void
cli_error(const char *fmt, ...)
{
	(void)fmt;
}

void
cli_note(const char *fmt, ...)
{
	(void)fmt;
}

static void
add_trace(struct mbt_path_set *set, uint64_t frame, const uint8_t *b, size_t n)
{
	struct mbt_trace t;
	struct mbt_path p;

	mbt_trace_init(&t);
	mbt_path_init(&p);
	mbt_decode(b, n, n, &t);
	if (mbt_path_build(&t, &p) == 0)
		mbt_path_set_add(set, frame, 1767132000, 0, b, (uint32_t)n,
		    (uint32_t)n, &p);
	mbt_path_free(&p);
	mbt_trace_free(&t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct out o;
	static FILE *devnull;
	struct mbt_path_set set;
	struct graph g;
	uint8_t *copy = malloc(size ? size : 1);
	size_t start = 0;
	uint64_t frame = 1;

	if (devnull == NULL)
		devnull = fopen("/dev/null", "w");
	memcpy(copy, data, size);
	mbt_path_set_init(&set);
	for (size_t i = 0; i + 4 <= size && frame < 64; i++) {
		if (memcmp(copy + i, "MBTX", 4) != 0)
			continue;
		add_trace(&set, frame++, copy + start, i - start);
		start = i + 4;
		i += 3;
	}
	add_trace(&set, frame, copy + start, size - start);
	if (graph_build(&g, &set, NULL) == 0) {
		g.chosen = set.ngroups > 0 ? size % set.ngroups : SIZE_MAX;
		out_init(&o, devnull);
		graph_write_dot(&o, &g);
		graph_write_sequence(&o, &g);
		graph_write_html(&o, &g, "fuzz \x1b]0;t\x07.pcap");
		out_flush(&o);
		graph_free(&g);
	}
	mbt_path_set_free(&set);
	free(copy);
	return 0;
}
