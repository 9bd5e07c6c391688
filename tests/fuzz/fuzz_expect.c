/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target for the expectations of `mbuftrace expect`: the cases
 * file, and each line as a --through and an --ends.  Any bytes must parse
 * or be refused with a message; what parses is checked against a small
 * path, which must not crash either.
 */
#include <mbuftrace/path.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A path of three steps, to check parsed cases against. */
static void
check_all(const struct mbt_expectations *x)
{
	static const char *const names[] = {"r1", "h2"};
	struct mbt_record rec[3] = {0};
	struct mbt_trace t = {0};
	struct mbt_path p;

	for (int i = 0; i < 3; i++) {
		rec[i].kind = i == 2 ? MBT_KIND_END : MBT_KIND_RULE;
		rec[i].detail = i == 2 ? MBT_END_DROPPED : MBT_VERDICT_PASS;
		rec[i].has_ns = rec[i].has_iface = rec[i].has_rule = true;
		rec[i].ns_name = (struct mbt_str){names[i & 1], 2};
		rec[i].ifname = (struct mbt_str){"eth0", 4};
		rec[i].fw = (uint8_t)(i + 1);
		rec[i].rule_table = (struct mbt_str){"inet/filter/forward", 19};
		rec[i].rule_number = (uint64_t)i * 100;
		rec[i].func = (struct mbt_str){"ip_forward", 10};
	}
	t.records = rec;
	t.nrecords = 3;
	mbt_path_init(&p);
	if (mbt_path_build(&t, &p) != 0)
		abort();
	for (size_t i = 0; i < x->ncases; i++) {
		struct mbt_check k;

		if (mbt_expect_check(&x->cases[i], &p, &k) != 0)
			abort();
		if (k.problem != MBT_PROBLEM_NONE && k.part_step != SIZE_MAX &&
		    k.part_step >= p.nsteps)
			abort();
		free(k.matched);
	}
	mbt_path_free(&p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size > 0 ? size : 1), *line;
	struct mbt_expectations x = {0};
	char err[256];

	if (text == NULL)
		abort();
	memcpy(text, data, size);
	err[0] = '\0';
	if (mbt_expect_parse(text, size, &x, err, sizeof(err)) == 0) {
		check_all(&x);
		mbt_expect_free(&x);
	} else if (err[0] == '\0' || x.ncases != 0) {
		abort();
	}
	/* The first line, NUL-terminated, as a --through and an --ends. */
	line = malloc(size + 1);
	if (line == NULL)
		abort();
	memcpy(line, data, size);
	line[size] = '\0';
	line[strcspn(line, "\n")] = '\0';
	{
		struct mbt_want w;
		struct mbt_ends e;

		err[0] = '\0';
		if (mbt_want_parse(line, &w, err, sizeof(err)) != 0 &&
		    err[0] == '\0')
			abort();
		err[0] = '\0';
		if (mbt_ends_parse(line, &e, err, sizeof(err)) != 0 &&
		    err[0] == '\0')
			abort();
	}
	free(line);
	free(text);
	return 0;
}
