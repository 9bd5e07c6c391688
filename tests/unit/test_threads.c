/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The library keeps no hidden mutable state: two threads, each with its
 * own trace, decode two different captures at the same time (one reading
 * samples/demo.pcap, one encoding and decoding v3 traces whose string
 * tables differ from the sample's), and each gets, every round, what one
 * thread alone got.  Run from the repository root, as make check does.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "mbuftrace/capture.h"
#include "mbuftrace/mbuftrace.h"

#define ROUNDS 100
#define B_TRACES 40

struct frame {
	uint8_t *data;
	size_t caplen, wirelen;
};

struct job {
	struct frame *frames; /* NULL: encode B's traces each round */
	size_t nframes;
	uint64_t want; /* the digest one thread alone got */
	int wrong;     /* rounds whose digest differed */
};

/* FNV-1a over every record's text and the error, frame after frame. */
static uint64_t
digest(uint64_t h, const struct mbt_trace *t)
{
	char text[1024];

	for (size_t i = 0; i <= t->nrecords; i++) {
		size_t n = i < t->nrecords
			       ? mbt_record_text(&t->records[i], text, sizeof(text))
			       : mbt_error_text(&t->error, text, sizeof(text));

		for (size_t k = 0; k < n && k < sizeof(text); k++)
			h = (h ^ (uint8_t)text[k]) * 1099511628211u;
		h = (h ^ '\n') * 1099511628211u;
	}
	return h;
}

/* Trace k of capture B: 200 records, file names of its own. */
static int
encode_b(int k, uint8_t *buf, size_t cap)
{
	struct mbt_v3_info info = {.trace_id = (uint64_t)k + 1,
	    .tail_linktype = MBT_LINKTYPE_NONE};
	struct mbt_encoder e;
	char file[32], func[32];

	mbt_enc_begin(&e, buf, cap, &info);
	for (int i = 0; i < 200; i++) {
		struct mbt_record r = {.kind = MBT_KIND_POINT, .has_src = true,
		    .line = (uint32_t)(k * 1000 + i)};

		snprintf(file, sizeof(file), "b/trace%d/file%d.c", k, i % 150);
		snprintf(func, sizeof(func), "fn_%d", (i * 7) % 90);
		r.file = (struct mbt_str){file, (uint16_t)strlen(file)};
		r.func = (struct mbt_str){func, (uint16_t)strlen(func)};
		mbt_enc_event(&e, &r);
	}
	return mbt_enc_finish(&e, 0, 0);
}

static uint64_t
one_round(const struct job *j, struct mbt_trace *t)
{
	static const size_t cap = 1 << 16;
	uint64_t h = 14695981039346656037u;
	uint8_t *buf = j->frames == NULL ? malloc(cap) : NULL;

	if (j->frames == NULL) {
		for (int k = 0; buf != NULL && k < B_TRACES; k++) {
			int n = encode_b(k, buf, cap);

			if (n > 0)
				mbt_decode(buf, (size_t)n, (size_t)n, t);
			h = n > 0 ? digest(h, t) : 0;
		}
		free(buf);
		return h;
	}
	/* As many traces as B's round, so that the two overlap. */
	for (int pass = 0; pass < B_TRACES / 5; pass++) {
		for (size_t i = 0; i < j->nframes; i++) {
			mbt_decode(j->frames[i].data, j->frames[i].caplen,
			    j->frames[i].wirelen, t);
			h = digest(h, t);
		}
	}
	return h;
}

static void *
run(void *arg)
{
	struct job *j = arg;
	struct mbt_trace t;

	mbt_trace_init(&t);
	for (int r = 0; r < ROUNDS; r++)
		j->wrong += one_round(j, &t) != j->want;
	mbt_trace_free(&t);
	return NULL;
}

static size_t
load(const char *path, struct frame **out)
{
	char err[256];
	struct mbt_capture *c = mbt_capture_open(path, err, sizeof(err));
	struct mbt_packet p;
	size_t n = 0;

	*out = NULL;
	if (c == NULL)
		return 0;
	while (mbt_capture_next(c, &p, err, sizeof(err)) == 1) {
		struct frame *f = realloc(*out, (n + 1) * sizeof(**out));

		if (f == NULL || (f[n].data = malloc(p.caplen)) == NULL)
			break;
		memcpy(f[n].data, p.data, p.caplen);
		f[n].caplen = p.caplen;
		f[n].wirelen = p.wirelen;
		*out = f;
		n++;
	}
	mbt_capture_close(c);
	return n;
}

int
main(void)
{
	struct job a = {0}, b = {0};
	struct mbt_trace t;
	pthread_t ta, tb;

	a.nframes = load("samples/demo.pcap", &a.frames);
	CHECK(a.nframes >= 5);
	mbt_trace_init(&t);
	a.want = one_round(&a, &t);
	b.want = one_round(&b, &t);
	mbt_trace_free(&t);
	CHECK(b.want != 0 && a.want != b.want);

	CHECK(pthread_create(&ta, NULL, run, &a) == 0);
	CHECK(pthread_create(&tb, NULL, run, &b) == 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	CHECK(a.wrong == 0);
	CHECK(b.wrong == 0);
	if (a.wrong || b.wrong)
		fprintf(stderr, "rounds wrong: sample %d, encoded %d of %d\n",
		    a.wrong, b.wrong, ROUNDS);
	for (size_t i = 0; i < a.nframes; i++)
		free(a.frames[i].data);
	free(a.frames);
	return check_summary("test_threads");
}
