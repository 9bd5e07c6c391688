# SPDX-License-Identifier: BSD-2-Clause
# Build fragment of the path tools (`mbuftrace paths`, `diff`, `expect`,
# `graph`); it sits beside their example IMUNES topologies.
#
# The fuzz targets link every cli/*.c but main.c and read.c, yet a
# command's file calls cli_error(), which lives in main.c: leave the path
# commands out of that link, or no fuzz target would build.  (The recipe
# expands FUZZ_LINK when it runs, so this later assignment is the one used.)
PATHS_CLI := cli/paths.c cli/paths_load.c cli/diff.c cli/expect.c \
	cli/expect_report.c cli/graph.c cli/graph_model.c cli/graph_dot.c \
	cli/graph_html.c cli/graph_page.c cli/graph_seq.c
FUZZ_LINK := $(filter-out $(PATHS_CLI),$(FUZZ_LINK))
