/* SPDX-License-Identifier: BSD-2-Clause */
/* Names of the format's codes, shared by text, JSON and the dissectors. */
#include "mbuftrace/mbuftrace.h"

const char *
mbt_format_name(enum mbt_format f)
{
	switch (f) {
	case MBT_FORMAT_V1_BE:
	case MBT_FORMAT_V1_LE: return "v1";
	case MBT_FORMAT_V2:
	case MBT_FORMAT_V2_EARLY: return "v2";
	case MBT_FORMAT_V3: return "v3";
	default: return "unknown";
	}
}

const char *
mbt_layout_name(enum mbt_format f)
{
	switch (f) {
	case MBT_FORMAT_V1_BE: return "v1-be";
	case MBT_FORMAT_V1_LE: return "v1-le";
	case MBT_FORMAT_V2_EARLY: return "v2-early";
	default: return mbt_format_name(f);
	}
}

const char *
mbt_kind_name(uint8_t kind)
{
	static const char *const names[MBT_KIND_MAX + 1] = {"unknown", "point",
	    "text", "packet", "rule", "verdict", "iface", "end", "route",
	    "copy", [MBT_KIND_STATE] = "state"};

	return kind <= MBT_KIND_MAX && names[kind] != NULL ? names[kind]
							    : "unknown";
}

const char *
mbt_state_name(uint8_t detail)
{
	switch (detail) {
	case MBT_STATE_CREATED: return "created";
	case MBT_STATE_MATCHED: return "matched";
	default: return "unknown";
	}
}

const char *
mbt_dir_name(uint8_t dir)
{
	switch (dir) {
	case MBT_DIR_IN: return "in";
	case MBT_DIR_OUT: return "out";
	default: return "unknown";
	}
}

const char *
mbt_point_name(uint8_t detail)
{
	switch (detail) {
	case MBT_POINT_ENTER: return "enter";
	case MBT_POINT_LEAVE: return "leave";
	case MBT_POINT_PLAIN: return "plain";
	default: return "unknown";
	}
}

const char *
mbt_verdict_name(uint8_t verdict)
{
	static const char *const names[] = {
	    "none", "pass", "drop", "reject", "continue", "queue"};

	return verdict <= MBT_VERDICT_MAX ? names[verdict] : "unknown";
}

const char *
mbt_end_name(uint8_t how)
{
	static const char *const names[] = {
	    "unknown", "freed", "delivered", "sent", "dropped", "consumed"};

	return how <= MBT_END_MAX ? names[how] : "unknown";
}

const char *
mbt_fw_name(uint8_t fw)
{
	static const char *const names[] = {
	    "other", "ipfw", "pf", "nftables", "iptables", "netgraph"};

	return fw <= MBT_FW_MAX ? names[fw] : "other";
}

/* What mbt_linktype_name() says of a link type it has no name for. */
static const char unknown_linktype[] = "linktype";

const char *
mbt_linktype_name(uint16_t linktype)
{
	switch (linktype) {
	case MBT_LINKTYPE_NULL: return "loopback";
	case MBT_LINKTYPE_ETHERNET: return "ethernet";
	case MBT_LINKTYPE_RAW: return "raw-ip";
	case MBT_LINKTYPE_LOOP: return "loop";
	case MBT_LINKTYPE_LINUX_SLL: return "linux-sll";
	case MBT_LINKTYPE_IPV4: return "ipv4";
	case MBT_LINKTYPE_IPV6: return "ipv6";
	case MBT_LINKTYPE_NONE: return "none";
	default: return unknown_linktype;
	}
}

const char *
mbt_error_kind_name(enum mbt_error_kind kind)
{
	switch (kind) {
	case MBT_ERR_TRUNCATED: return "truncated";
	case MBT_ERR_MALFORMED: return "malformed";
	default: return "ok";
	}
}

bool
mbt_linktype_known(uint16_t linktype)
{
	return mbt_linktype_name(linktype) != unknown_linktype;
}

/* The value keys of format.h: their JSON names and types. */
static const struct {
	const char *name;
	uint8_t type;
} value_keys[MBT_VAL_MAX + 1] = {
    [MBT_VAL_RETURN] = {"return", MBT_VT_INT},
    [MBT_VAL_RETURN_NAME] = {"return_name", MBT_VT_STRING},
    [MBT_VAL_RC] = {"rc", MBT_VT_INT},
    [MBT_VAL_DEV_KIND] = {"dev_kind", MBT_VT_STRING},
    [MBT_VAL_QDISC_HANDLE] = {"qdisc_handle", MBT_VT_INT},
    [MBT_VAL_ICMP_TYPE] = {"icmp_type", MBT_VT_INT},
    [MBT_VAL_ICMP_CODE] = {"icmp_code", MBT_VT_INT},
    [MBT_VAL_NEIGH_ADDR] = {"neigh_addr", MBT_VT_ADDR},
    [MBT_VAL_NEIGH_STATE] = {"neigh_state", MBT_VT_INT},
    [MBT_VAL_NEIGH_QUEUED] = {"neigh_queued", MBT_VT_INT},
    [MBT_VAL_SOCK_TAP] = {"sock_tap", MBT_VT_INT},
    [MBT_VAL_SOCK_TYPE] = {"sock_type", MBT_VT_INT},
    [MBT_VAL_RCVQ_FULL] = {"rcvq_full", MBT_VT_INT},
    [MBT_VAL_GRO_MERGED] = {"gro_merged", MBT_VT_INT},
    [MBT_VAL_BYTES] = {"bytes", MBT_VT_INT},
    [MBT_VAL_PID] = {"pid", MBT_VT_INT},
    [MBT_VAL_COPY_HOW] = {"copy_how", MBT_VT_INT},
    [MBT_VAL_SEEN_AT] = {"seen_at", MBT_VT_STRING},
    [MBT_VAL_ROUTE_NEXT] = {"route_next", MBT_VT_INT},
};

const char *
mbt_value_name(uint16_t key)
{
	return key <= MBT_VAL_MAX ? value_keys[key].name : NULL;
}

uint8_t
mbt_value_type(uint16_t key)
{
	return key <= MBT_VAL_MAX ? value_keys[key].type : 0;
}
