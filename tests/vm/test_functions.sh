#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Full-function tracing (linux/functions*) in Debian's stock kernels: the
# mode each kernel allows, a forwarded packet's functions in the order the
# kernel calls them across three namespaces, a dropped packet's last
# function with its reason, the error a function returned before a drop
# (kprobe-multi only), --functions narrowing, nothing left attached, and a
# clear refusal on the host.  The guest side is functions-guest.sh.
# MBT_VM_KERNELS="6.12" narrows the kernels; MBT_VM=0 skips the suite.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/vm/lib.sh

PROBE=build/bin/functions-probe

vm_suite_runs || {
	finish
	exit
}
if [ ! -x $PROBE ]; then
	not_ok "$PROBE is built (make all)"
	finish
	exit
fi

# in_order FILE PATTERN...: the patterns match lines of FILE in this order.
in_order() {
	local file=$1
	shift
	awk -v pats="$(printf '%s\n' "$@")" '
		BEGIN { n = split(pats, p, "\n"); i = 1 }
		i <= n && $0 ~ p[i] { i++ }
		END { exit !(i > n) }' "$file"
}

# functions-join links record.bpf.c's skeleton: a change there must keep
# it building (it once failed to link and this suite went on skipping it).
join=yes
if ! make -s build/bin/functions-join >"$TMP/join-build" 2>&1; then
	join=
	not_ok "functions-join (the record backend) builds" "$TMP/join-build"
fi
rm -f build/bin/functions-join.off
[ -n "$join" ] || mv build/bin/functions-join build/bin/functions-join.off 2>/dev/null

# The guest writes only where the project is shared (not the host's /tmp),
# and another make check may run this suite in the same tree at once.
mkdir -p build/vm
OUT=$(mktemp -d build/vm/test_functions.XXXXXX)
trap 'rm -rf "$TMP" "$OUT"' EXIT

for k in $KERNELS; do
	# Made on the host: the guest only writes into it.
	d=$OUT/$k
	mkdir -p "$d"
	if ! $RUN --kernel "$k" \
		tests/vm/functions-guest.sh "$d" >"$TMP/run" 2>&1; then
		not_ok "$k: the guest script ran" "$TMP/run"
		continue
	fi
	case $k in 6.1) mode=fentry ;; *) mode=kprobe-multi ;; esac
	# "MODE[ with|without return values...]: N of M functions attached"
	read -r n m < <(sed -nE "s/.*: $mode[^:]*: ([0-9]+) of ([0-9]+) functions.*/\1 \2/p" \
		"$d/path.err")
	if [ -n "$n" ] && [ "$m" -gt 900 ] && [ $((n * 100 / m)) -ge 90 ]; then
		ok "$k: $mode attaches $n of the $m functions that take an skb"
	else
		not_ok "$k: $mode attaches to the functions that take an skb" \
			"$d/path.err"
	fi

	# The first ping, forwarded by mbt-r, as the kernel calls its functions.
	grep '^trace 1 ' "$d/path" >"$TMP/fwd"
	check "$k: a forwarded packet's functions in order across namespaces" \
		in_order "$TMP/fwd" ' if a0 ip_finish_output2$' \
		' if a0 __dev_queue_xmit$' ' if r0 ip_rcv$' \
		' if r0 ip_forward$' ' if r1 ip_output$|if r0 ip_output$' \
		' if r1 __dev_queue_xmit$' ' if b0 ip_rcv$' \
		' if b0 icmp_rcv$' ' if b0 end consumed$'
	if [ -s "$TMP/fwd" ] && ! grep -q ' returned ' "$TMP/fwd"; then
		ok "$k: a forwarded packet's functions return no error"
	else
		not_ok "$k: a forwarded packet's functions return no error" "$TMP/fwd"
	fi
	# Three namespaces (a, r, b), and each interface in only one of them.
	awk '$8 != "-" { print $6, $8 }' "$TMP/fwd" | sort -u >"$TMP/ifns"
	if [ "$(awk '{ print $1 }' "$TMP/ifns" | sort -u | wc -l)" = 3 ] &&
		[ -z "$(awk '{ print $2 }' "$TMP/ifns" | sort | uniq -d)" ]; then
		ok "$k: the forwarded path crosses three namespaces, an interface in one"
	else
		not_ok "$k: the forwarded path crosses three namespaces" "$TMP/ifns"
	fi

	# The second, dropped by mbt-r with forwarding off.
	grep '^trace 2 ' "$d/path" >"$TMP/drop"
	if tail -n 1 "$TMP/drop" |
		grep -qE ' if r0 end drop [A-Z_]+ \([0-9]+\) in [a-z_0-9]+$' &&
		in_order "$TMP/drop" ' if r0 ip_rcv$' ' if r0 ip_route_input' \
			' if r0 end drop'; then
		ok "$k: a dropped packet ends in the router: $(tail -n 1 "$TMP/drop" | cut -d' ' -f9-)"
	else
		not_ok "$k: a dropped packet ends in the router with its reason" \
			"$TMP/drop"
	fi

	# The third, from a source the router's rp_filter rejects: the route
	# lookup returns -EXDEV for the packet, which is still alive, and
	# the caller drops it.  fentry (6.1) on every function reports no
	# return values: fexit on all that return an int doubled its attach
	# time (record's own run below narrows the functions, and has them).
	grep '^trace 3 ' "$d/path" >"$TMP/rpf"
	if [ $mode = kprobe-multi ]; then
		check "$k: the mode says return values are on" \
			grep -q ": kprobe-multi with return values: " "$d/path.err"
		# (A return names no device: the skb may be freed by then.)
		if in_order "$TMP/rpf" ' ip_route_input_noref returned -18 \(EXDEV\)$' \
			' if r0 end drop IP_RPFILTER '; then
			ok "$k: a function's error before the drop: $(grep -m1 'ip_route_input_noref returned' "$TMP/rpf" | cut -d' ' -f9-)"
		else
			not_ok "$k: a function's error shows before the drop" "$TMP/rpf"
		fi
	else
		check "$k: the mode says why there are no return values" \
			grep -qE ": fentry without return values \(fexit on [0-9]+ functions would double attaching; --functions to 100 or fewer\): " \
			"$d/path.err"
		if tail -n 1 "$TMP/rpf" | grep -q ' if r0 end drop IP_RPFILTER ' &&
			! grep -q ' returned ' "$d/path"; then
			ok "$k: the rp_filter drop, with no return values"
		else
			not_ok "$k: the rp_filter drop, with no return values" "$TMP/rpf"
		fi
	fi

	# The fourth, dropped by an nftables rule: nf_hook_slow frees the
	# packet and only then returns -EPERM, after its trace has ended:
	# with return values, that return comes right after the end, in the
	# same trace (the probe carries the trace, not the freed skb).
	grep '^trace 4 ' "$d/path" >"$TMP/nft"
	if [ $mode = kprobe-multi ]; then
		if in_order "$TMP/nft" ' if r0 end drop NETFILTER_DROP ' \
			' nf_hook_slow returned -1 \(EPERM\)$'; then
			ok "$k: an nftables drop, then nf_hook_slow's -EPERM: $(grep -m1 'nf_hook_slow returned' "$TMP/nft" | cut -d' ' -f9-)"
		else
			not_ok "$k: an nftables drop, then nf_hook_slow's -EPERM" "$TMP/nft"
		fi
	elif tail -n 1 "$TMP/nft" | grep -q ' if r0 end drop NETFILTER_DROP '; then
		ok "$k: an nftables drop ends its trace: $(tail -n 1 "$TMP/nft" | cut -d' ' -f9-)"
	else
		not_ok "$k: an nftables drop ends its trace" "$TMP/nft"
	fi

	if grep -q '^trace' "$d/narrow" &&
		! grep '^trace' "$d/narrow" | grep -vE ' ((ip|icmp)_[a-z_0-9]+( \(start\))?|end [a-z].*)$' |
		grep -q . && grep -q ' if r0 ip_forward$' "$d/narrow"; then
		ok "$k: --functions '^(ip|icmp)_' traces only those"
	else
		not_ok "$k: --functions narrows the functions" "$d/narrow"
	fi

	# That function hops join the tracepoints' own traces is checked
	# through `mbuftrace record` itself below (functions-join, the
	# stand-alone prototype of that join, missed its trace 1 run in 4).
	[ -n "$join" ] && [ -s "$d/join.err" ] && : "join output kept for debugging"

	# mbuftrace record itself: the function hops in the traces it writes,
	# with return values (on 6.1 with fexit, on the few functions asked).
	case $k in
	6.1) recmode="fentry with return values (fexit on 5 of 5)" ;;
	*) recmode="kprobe-multi with return values" ;;
	esac
	build/bin/mbuftrace read "$d/record.pcap" >"$TMP/rec" 2>&1
	if grep -qF "full-function mode: $recmode" "$d/record.err" &&
		in_order "$TMP/rec" ' mbt-a:a0 .*net_dev_xmit' \
			' mbt-r:r0 .*ip_rcv enter' ' mbt-r:.*ip_forward enter' \
			' mbt-b:b0 .*icmp_rcv enter' 'end consumed' \
			' mbt-r:r0 .*ip_route_input_noref returned -18 \(EXDEV\)$' \
			'end dropped: IP_RPFILTER'; then
		ok "$k: mbuftrace record puts the functions and their errors in its traces ($(grep -c '' "$TMP/rec") lines)"
	else
		{ cat "$d/record.err"; grep -E 'ip_forward|icmp_rcv|end ' "$TMP/rec"; } >"$TMP/rec.why"
		not_ok "$k: mbuftrace record puts the functions and their errors in its traces" "$TMP/rec.why"
	fi

	if [ $mode = kprobe-multi ]; then
		check "$k: nothing is left attached after the probe exits" \
			test "$(grep -c 'kprobe_multi\|tracing' "$d/links-after")" = 0
	else
		# fentry's links go away one grace period each: the probe
		# hands them to a child instead of making the user wait.
		check "$k: the probe does not wait for fentry's detach" \
			grep -qE 'detached in 0\.[0-9]+ s \(the links are released' \
			"$d/path.err"
	fi
done

# Where the kernel allows neither (the host), it says so and fails.
$PROBE --daddr 10.99.1.2 -- true >"$TMP/host" 2>&1
rc=$?
if [ $rc = 3 ] && grep -q "not available on this kernel" "$TMP/host"; then
	ok "the host kernel: a clear refusal ($(uname -r))"
elif [ $rc = 0 ]; then
	skip "the host kernel ($(uname -r)) allows full-function tracing"
else
	echo "rc $rc" >>"$TMP/host"
	not_ok "the host kernel: a clear refusal" "$TMP/host"
fi

finish
