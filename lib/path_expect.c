/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Expectations on paths: the "through" and "ends" specifications of
 * `mbuftrace expect`, the expectations file that holds several cases, and
 * checking one path against one case.  The file comes from a user: every
 * line is length-checked and a mistake is reported with its line number.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbuftrace/path.h"

static bool
all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return false;
	}
	return true;
}

static int
parse_u64(const char *s, uint64_t *v)
{
	uint64_t n = 0;

	if (!all_digits(s) || strlen(s) > 20)
		return -EINVAL;
	for (; *s != '\0'; s++) {
		if (n > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -EINVAL;
		n = n * 10 + (uint64_t)(*s - '0');
	}
	*v = n;
	return 0;
}

static const struct {
	const char *prefix;
	uint8_t fw;
} engines[] = {
    {"ipfw", MBT_FW_IPFW},
    {"pf", MBT_FW_PF},
    {"nft", MBT_FW_NFTABLES},
    {"nftables", MBT_FW_NFTABLES},
    {"iptables", MBT_FW_IPTABLES},
    {"ng", MBT_FW_NETGRAPH},
    {"netgraph", MBT_FW_NETGRAPH},
};

/* "TABLE", "TABLE/NUMBER" or "NUMBER" after a rule engine's prefix. */
static int
parse_rule(const char *rest, struct mbt_want *w, char *err, size_t errlen)
{
	const char *slash = strrchr(rest, '/');

	if (*rest == '\0') {
		snprintf(err, errlen,
		    "'%s': which rule? e.g. ipfw:100, "
		    "nft:inet/filter/forward/4",
		    w->spec);
		return -EINVAL;
	}
	if (all_digits(rest)) {
		w->has_number = parse_u64(rest, &w->number) == 0;
		if (!w->has_number)
			goto bad_number;
		return 0;
	}
	if (slash != NULL && all_digits(slash + 1)) {
		w->has_number = parse_u64(slash + 1, &w->number) == 0;
		if (!w->has_number)
			goto bad_number;
		snprintf(w->name, sizeof(w->name), "%.*s", (int)(slash - rest),
		    rest);
		return 0;
	}
	snprintf(w->name, sizeof(w->name), "%s", rest);
	return 0;
bad_number:
	snprintf(err, errlen, "'%s': the rule number is too large", w->spec);
	return -EINVAL;
}

int
mbt_want_parse(const char *spec, struct mbt_want *w, char *err, size_t errlen)
{
	const char *colon;

	memset(w, 0, sizeof(*w));
	if (spec[0] == '\0') {
		snprintf(err, errlen, "an empty --through");
		return -EINVAL;
	}
	if (strlen(spec) >= sizeof(w->spec)) {
		snprintf(err, errlen,
		    "'%.40s...' is longer than %zu characters", spec,
		    sizeof(w->spec) - 1);
		return -EINVAL;
	}
	snprintf(w->spec, sizeof(w->spec), "%s", spec);
	colon = strchr(spec, ':');
	if (colon == NULL) {
		w->kind = MBT_WANT_FUNC;
		snprintf(w->name, sizeof(w->name), "%s", spec);
		return 0;
	}
	for (size_t i = 0; i < sizeof(engines) / sizeof(engines[0]); i++) {
		size_t n = strlen(engines[i].prefix);

		if ((size_t)(colon - spec) == n &&
		    strncmp(spec, engines[i].prefix, n) == 0) {
			w->kind = MBT_WANT_RULE;
			w->fw = engines[i].fw;
			return parse_rule(colon + 1, w, err, errlen);
		}
	}
	if (strncmp(spec, "ns:", 3) == 0 || strncmp(spec, "func:", 5) == 0) {
		w->kind = spec[0] == 'n' ? MBT_WANT_NS : MBT_WANT_FUNC;
		snprintf(w->name, sizeof(w->name), "%s", colon + 1);
	} else {
		/* NS:IFACE; interface names have no colon, stack names may. */
		colon = strrchr(spec, ':');
		w->kind = MBT_WANT_IFACE;
		snprintf(w->name, sizeof(w->name), "%.*s", (int)(colon - spec),
		    spec);
		snprintf(w->iface, sizeof(w->iface), "%s", colon + 1);
		if (w->iface[0] == '\0') {
			snprintf(err, errlen,
			    "'%s': which interface? "
			    "NS:IFACE, e.g. r1:eth0",
			    spec);
			return -EINVAL;
		}
	}
	if (w->name[0] == '\0') {
		snprintf(err, errlen, "'%s': a name is missing", spec);
		return -EINVAL;
	}
	return 0;
}

static bool
str_is(struct mbt_str s, const char *v)
{
	size_t n = strlen(v);

	return s.len == n && (n == 0 || memcmp(s.ptr, v, n) == 0);
}

/* A stack instance by its name, or by its number. */
static bool
ns_is(bool has, struct mbt_str name, uint64_t id, const char *want)
{
	uint64_t v;

	if (!has)
		return false;
	if (name.len > 0 && str_is(name, want))
		return true;
	return parse_u64(want, &v) == 0 && v == id;
}

/*
 * In a journey a stack instance is also named after its machine: "h2/r1",
 * and "h2" alone where the host has no instance names (FreeBSD's host).
 */
static bool
step_ns_is(const struct mbt_step *s, const char *want)
{
	size_t n = s->host.len;

	if (n == 0 || strncmp(want, s->host.ptr, n) != 0)
		return ns_is(s->has_ns, s->ns, s->ns_id, want);
	if (want[n] == '\0')
		return !s->has_ns;
	return want[n] == '/' && ns_is(s->has_ns, s->ns, s->ns_id, want + n + 1);
}

static bool
iface_is(const struct mbt_step *s, const char *want)
{
	char alt[24];

	if (!s->has_iface)
		return false;
	if (s->ifname.len > 0)
		return str_is(s->ifname, want);
	snprintf(alt, sizeof(alt), "if#%u", s->ifindex);
	return strcmp(alt, want) == 0;
}

bool
mbt_want_match(const struct mbt_want *w, const struct mbt_step *s)
{
	const struct mbt_record *r = s->rec;

	switch (w->kind) {
	case MBT_WANT_IFACE:
		return step_ns_is(s, w->name) && iface_is(s, w->iface);
	case MBT_WANT_NS: return step_ns_is(s, w->name);
	case MBT_WANT_RULE:
		return r->has_rule && r->fw == w->fw &&
		       (w->name[0] == '\0' || str_is(r->rule_table, w->name)) &&
		       (!w->has_number || r->rule_number == w->number);
	case MBT_WANT_FUNC: return r->func.len > 0 && str_is(r->func, w->name);
	}
	return false;
}

int
mbt_ends_parse(const char *spec, struct mbt_ends *e, char *err, size_t errlen)
{
	const char *at = strchr(spec, '@');
	size_t n = at ? (size_t)(at - spec) : strlen(spec);

	memset(e, 0, sizeof(*e));
	for (uint8_t how = 1; how <= MBT_END_MAX; how++) {
		const char *name = mbt_end_name(how);

		if (strlen(name) == n && strncmp(spec, name, n) == 0) {
			e->set = true;
			e->end = how;
		}
	}
	if (!e->set) {
		snprintf(err, errlen,
		    "'%.60s': ends how? delivered, sent, "
		    "dropped, freed or consumed, optionally @NS",
		    spec);
		return -EINVAL;
	}
	if (at != NULL) {
		if (at[1] == '\0' || strlen(at + 1) >= sizeof(e->ns)) {
			snprintf(err, errlen,
			    "'%.60s': a stack instance name "
			    "after @, please",
			    spec);
			e->set = false;
			return -EINVAL;
		}
		snprintf(e->ns, sizeof(e->ns), "%s", at + 1);
	}
	return 0;
}

static void
case_free(struct mbt_case *c)
{
	free(c->match);
	free(c->wants);
}

void
mbt_expect_free(struct mbt_expectations *x)
{
	for (size_t i = 0; i < x->ncases; i++)
		case_free(&x->cases[i]);
	free(x->cases);
	x->cases = NULL;
	x->ncases = 0;
}

int
mbt_expect_add(struct mbt_expectations *x, const struct mbt_case *c)
{
	struct mbt_case *cases, *n;

	cases = realloc(x->cases, (x->ncases + 1) * sizeof(*cases));
	if (cases == NULL)
		return -ENOMEM;
	x->cases = cases;
	n = &cases[x->ncases];
	*n = *c;
	n->match = NULL;
	n->wants = NULL;
	if (c->match != NULL && (n->match = strdup(c->match)) == NULL)
		return -ENOMEM;
	if (c->nwants > 0) {
		n->wants = malloc(c->nwants * sizeof(*n->wants));
		if (n->wants == NULL) {
			free(n->match);
			return -ENOMEM;
		}
		memcpy(n->wants, c->wants, c->nwants * sizeof(*n->wants));
	}
	x->ncases++;
	return 0;
}

#define LINE_MAX_LEN 4096

/* The words of a line: keyword, then the rest with blanks trimmed. */
static char *
trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (
	    end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

static int
add_want(struct mbt_case *c, const char *spec, char *err, size_t errlen)
{
	struct mbt_want *w = realloc(c->wants, (c->nwants + 1) * sizeof(*w));

	if (w == NULL)
		return -ENOMEM;
	c->wants = w;
	if (mbt_want_parse(spec, &w[c->nwants], err, errlen) != 0)
		return -EINVAL;
	c->nwants++;
	return 0;
}

/* One line of a case; returns 0, -EINVAL (err says why) or -ENOMEM. */
static int
parse_line(char *line, struct mbt_case *c, char *err, size_t errlen)
{
	char *rest = line;
	int rc;

	while (*rest != '\0' && *rest != ' ' && *rest != '\t')
		rest++;
	if (*rest != '\0')
		*rest++ = '\0';
	rest = trim(rest);
	if (strcmp(line, "match") == 0) {
		if (*rest == '\0' || c->match != NULL) {
			snprintf(err, errlen,
			    *rest == '\0' ? "match what? a "
					    "tcpdump filter"
					  : "one match per case");
			return -EINVAL;
		}
		c->match = strdup(rest);
		return c->match == NULL ? -ENOMEM : 0;
	}
	if (strcmp(line, "through") == 0) {
		char *save = NULL, *word = strtok_r(rest, " \t", &save);

		if (word == NULL) {
			snprintf(err, errlen, "through what?");
			return -EINVAL;
		}
		for (; word != NULL; word = strtok_r(NULL, " \t", &save)) {
			if ((rc = add_want(c, word, err, errlen)) != 0)
				return rc;
		}
		return 0;
	}
	if (strcmp(line, "ends") == 0) {
		if (c->ends.set) {
			snprintf(err, errlen, "one 'ends' per case");
			return -EINVAL;
		}
		return mbt_ends_parse(rest, &c->ends, err, errlen);
	}
	if (strcmp(line, "in-order") == 0 && *rest == '\0') {
		c->in_order = true;
		return 0;
	}
	snprintf(err, errlen,
	    "'%.40s' is not a keyword (case, match, "
	    "through, ends, in-order)",
	    line);
	return -EINVAL;
}

int
mbt_expect_parse(const char *text, size_t len, struct mbt_expectations *x,
    char *err, size_t errlen)
{
	struct mbt_case cur = {0};
	bool open = false;
	char line[LINE_MAX_LEN];
	char msg[256];
	unsigned lineno = 0;
	size_t pos = 0;
	int rc = 0;

	while (pos < len && rc == 0) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		char *l;

		lineno++;
		if (n >= sizeof(line)) {
			snprintf(msg, sizeof(msg), "longer than %zu characters",
			    sizeof(line) - 1);
			rc = -EINVAL;
			break;
		}
		if (memchr(text + pos, '\0', n) != NULL) {
			snprintf(
			    msg, sizeof(msg), "a NUL byte: not a text file");
			rc = -EINVAL;
			break;
		}
		memcpy(line, text + pos, n);
		line[n] = '\0';
		pos += n + 1;
		l = trim(line);
		if (*l == '\0' || *l == '#')
			continue;
		if (strncmp(l, "case", 4) == 0 &&
		    (l[4] == '\0' || l[4] == ' ' || l[4] == '\t')) {
			if (open && (rc = mbt_expect_add(x, &cur)) != 0)
				break;
			case_free(&cur);
			memset(&cur, 0, sizeof(cur));
			open = true;
			cur.line = lineno;
			snprintf(cur.name, sizeof(cur.name), "%s", trim(l + 4));
			if (cur.name[0] == '\0')
				snprintf(cur.name, sizeof(cur.name), "line %u",
				    lineno);
			continue;
		}
		if (!open) {
			snprintf(msg, sizeof(msg),
			    "'%.40s' before the first "
			    "'case NAME' line",
			    l);
			rc = -EINVAL;
			break;
		}
		rc = parse_line(l, &cur, msg, sizeof(msg));
	}
	if (rc == 0 && !open) {
		snprintf(
		    msg, sizeof(msg), "no case: start one with 'case NAME'");
		rc = -EINVAL;
		lineno = 0;
	} else if (rc == 0) {
		rc = mbt_expect_add(x, &cur);
	}
	case_free(&cur);
	if (rc == -EINVAL && lineno > 0)
		snprintf(err, errlen, "line %u: %s", lineno, msg);
	else if (rc == -EINVAL)
		snprintf(err, errlen, "%s", msg);
	else if (rc != 0)
		snprintf(err, errlen, "out of memory");
	if (rc != 0)
		mbt_expect_free(x);
	return rc;
}

static size_t
find(const struct mbt_want *w, const struct mbt_path *p, size_t from, size_t to)
{
	for (size_t k = from; k < to; k++) {
		if (mbt_want_match(w, &p->steps[k]))
			return k;
	}
	return SIZE_MAX;
}

/* Where a path that missed a step went instead: its end, else its last. */
static size_t
last_word(const struct mbt_path *p)
{
	if (p->end != 0)
		return p->end_step;
	return p->nsteps > 0 ? p->nsteps - 1 : SIZE_MAX;
}

int
mbt_expect_check(
    const struct mbt_case *c, const struct mbt_path *p, struct mbt_check *out)
{
	size_t pos = 0;

	memset(out, 0, sizeof(*out));
	out->part_step = SIZE_MAX;
	out->matched = malloc((c->nwants + 1) * sizeof(size_t));
	if (out->matched == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < c->nwants; i++) {
		size_t k =
		    find(&c->wants[i], p, c->in_order ? pos : 0, p->nsteps);

		out->matched[i] = k;
		if (k != SIZE_MAX) {
			pos = k;
			continue;
		}
		out->want = i;
		if (c->in_order &&
		    (k = find(&c->wants[i], p, 0, pos)) != SIZE_MAX) {
			out->problem = MBT_PROBLEM_ORDER;
			out->part_step = k;
		} else {
			out->problem = MBT_PROBLEM_MISSING;
			out->part_step = last_word(p);
		}
		for (size_t j = i + 1; j < c->nwants; j++)
			out->matched[j] = find(&c->wants[j], p, 0, p->nsteps);
		return 0;
	}
	if (c->ends.set && p->end != c->ends.end) {
		out->problem = MBT_PROBLEM_END;
		out->part_step = last_word(p);
	} else if (c->ends.set && c->ends.ns[0] != '\0') {
		const struct mbt_step *s = &p->steps[p->end_step];

		if (!step_ns_is(s, c->ends.ns)) {
			out->problem = MBT_PROBLEM_END_WHERE;
			out->part_step = p->end_step;
		}
	}
	return 0;
}
