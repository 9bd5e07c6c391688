/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Grouping a capture's packets by path: a hash table on the path's
 * identity, one group per distinct path, and which group each frame is in.
 * 100,000 packets of a few paths cost a hash and a key comparison each.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mbuftrace/path.h"

void
mbt_path_set_init(struct mbt_path_set *s)
{
	memset(s, 0, sizeof(*s));
}

void
mbt_path_set_free(struct mbt_path_set *s)
{
	for (size_t i = 0; i < s->ngroups; i++) {
		mbt_path_free(&s->groups[i].path);
		mbt_trace_free(&s->groups[i].trace);
		free(s->groups[i].bytes);
	}
	free(s->groups);
	free(s->index);
	free(s->frame_group);
	mbt_path_set_init(s);
}

static int
grow_index(struct mbt_path_set *s)
{
	size_t size = s->index_size ? s->index_size * 2 : 256;
	size_t *index = calloc(size, sizeof(*index));

	if (index == NULL)
		return -ENOMEM;
	for (size_t g = 0; g < s->ngroups; g++) {
		size_t k = s->groups[g].path.hash & (size - 1);

		while (index[k] != 0)
			k = (k + 1) & (size - 1);
		index[k] = g + 1;
	}
	free(s->index);
	s->index = index;
	s->index_size = size;
	return 0;
}

static int
note_frame(struct mbt_path_set *s, uint64_t frame, uint32_t group)
{
	if (frame == 0 || frame <= s->nframes || frame > UINT32_MAX)
		return -EINVAL;
	if (frame > s->frames_cap) {
		uint64_t cap = s->frames_cap ? s->frames_cap * 2 : 1024;
		uint32_t *fg;

		while (cap < frame)
			cap *= 2;
		fg = realloc(s->frame_group, cap * sizeof(*fg));
		if (fg == NULL)
			return -ENOMEM;
		s->frame_group = fg;
		s->frames_cap = cap;
	}
	/* Frames not added (filtered out, say) belong to no group. */
	while (s->nframes + 1 < frame)
		s->frame_group[s->nframes++] = UINT32_MAX;
	s->frame_group[s->nframes++] = group;
	return 0;
}

/* A new group: its own copy of the packet, decoded again. */
static long
new_group(struct mbt_path_set *s, uint64_t frame, int64_t ts_sec,
    uint32_t ts_usec, const uint8_t *data, uint32_t caplen, uint32_t wirelen)
{
	struct mbt_path_group *g;

	if (s->ngroups == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct mbt_path_group *groups =
		    realloc(s->groups, cap * sizeof(*groups));

		if (groups == NULL)
			return -ENOMEM;
		s->groups = groups;
		s->cap = cap;
	}
	g = &s->groups[s->ngroups];
	memset(g, 0, sizeof(*g));
	mbt_trace_init(&g->trace);
	mbt_path_init(&g->path);
	g->bytes = malloc(caplen > 0 ? caplen : 1);
	if (g->bytes == NULL)
		return -ENOMEM;
	memcpy(g->bytes, data, caplen);
	if (mbt_decode(g->bytes, caplen, wirelen, &g->trace) == -ENOMEM ||
	    mbt_path_build(&g->trace, &g->path) != 0) {
		mbt_trace_free(&g->trace);
		mbt_path_free(&g->path);
		free(g->bytes);
		return -ENOMEM;
	}
	g->first_frame = frame;
	g->ts_sec = ts_sec;
	g->ts_usec = ts_usec;
	return (long)s->ngroups++;
}

long
mbt_path_set_add(struct mbt_path_set *s, uint64_t frame, int64_t ts_sec,
    uint32_t ts_usec, const uint8_t *data, uint32_t caplen, uint32_t wirelen,
    const struct mbt_path *p)
{
	size_t k;
	long g;
	int rc;

	/* Keep the table at most half full. */
	if (2 * (s->ngroups + 1) > s->index_size && grow_index(s) != 0)
		return -ENOMEM;
	k = p->hash & (s->index_size - 1);
	for (; s->index[k] != 0; k = (k + 1) & (s->index_size - 1)) {
		if (mbt_path_same(&s->groups[s->index[k] - 1].path, p))
			break;
	}
	if (s->index[k] != 0) {
		g = (long)(s->index[k] - 1);
	} else {
		g = new_group(s, frame, ts_sec, ts_usec, data, caplen, wirelen);
		if (g < 0)
			return g;
		s->index[k] = (size_t)g + 1;
	}
	rc = note_frame(s, frame, (uint32_t)g);
	if (rc != 0)
		return rc;
	s->groups[g].count++;
	return g;
}
