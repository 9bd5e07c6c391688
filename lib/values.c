/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A record's typed values (the VALUES attribute): finding one, and adding
 * one, for producers.  Their words are lib/record_text.c's.
 */
#include <string.h>

#include "mbuftrace/mbuftrace.h"

const struct mbt_value *
mbt_record_value(const struct mbt_record *r, uint16_t key)
{
	for (uint8_t i = 0; i < r->nvalues && i < MBT_MAX_VALUES; i++)
		if (r->values[i].key == key)
			return &r->values[i];
	return NULL;
}

/* The next free value of r for key, or NULL when full or already there. */
static struct mbt_value *
add(struct mbt_record *r, uint16_t key, uint8_t type)
{
	struct mbt_value *x;

	if (key == 0 || r->nvalues >= MBT_MAX_VALUES ||
	    mbt_record_value(r, key) != NULL)
		return NULL;
	x = &r->values[r->nvalues++];
	memset(x, 0, sizeof(*x));
	x->key = key;
	x->type = type;
	return x;
}

bool
mbt_record_add_int(struct mbt_record *r, uint16_t key, int64_t num)
{
	struct mbt_value *x = add(r, key, MBT_VT_INT);

	if (x != NULL)
		x->num = num;
	return x != NULL;
}

bool
mbt_record_add_str(struct mbt_record *r, uint16_t key, struct mbt_str s)
{
	struct mbt_value *x;

	if (s.len == 0 || (x = add(r, key, MBT_VT_STRING)) == NULL)
		return false;
	x->str = s;
	return true;
}

bool
mbt_record_add_addr(
    struct mbt_record *r, uint16_t key, uint8_t family, const uint8_t *addr)
{
	struct mbt_value *x;

	if ((family != 4 && family != 6) ||
	    (x = add(r, key, MBT_VT_ADDR)) == NULL)
		return false;
	x->family = family;
	memcpy(x->addr, addr, family == 4 ? 4 : 16);
	return true;
}
