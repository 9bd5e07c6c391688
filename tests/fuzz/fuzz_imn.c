/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target for the IMUNES topology parser (both syntaxes): any
 * bytes must parse or be refused with a message, never crash, and what
 * parses must hold together (names terminated, links naming their nodes).
 */
#include <mbuftrace/imn.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Exactly size bytes on the heap, so ASan sees any read past them. */
	char *text = malloc(size > 0 ? size : 1);
	char err[256];
	struct mbt_imn t;

	if (text == NULL)
		abort();
	memcpy(text, data, size);
	err[0] = '\0';
	if (mbt_imn_parse(text, size, &t, err, sizeof(err)) != 0) {
		if (err[0] == '\0' || t.nnodes != 0)
			abort(); /* a refusal says why and keeps nothing */
	} else {
		for (size_t i = 0; i < t.nnodes; i++) {
			const struct mbt_imn_node *n = &t.nodes[i];

			if (strlen(n->id) >= MBT_IMN_NAME ||
			    strlen(n->name) >= MBT_IMN_NAME ||
			    n->nifaces > MBT_IMN_MAX_IFACES)
				abort();
			/* Every node is found by its own id and name. */
			if (mbt_imn_node_by_id(&t, n->id) != n ||
			    mbt_imn_node_for_ns(&t, n->name, strlen(n->name)) ==
				NULL)
				abort();
		}
		mbt_imn_free(&t);
	}
	free(text);
	return 0;
}
