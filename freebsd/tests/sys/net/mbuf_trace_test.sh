# SPDX-License-Identifier: BSD-2-Clause
#
# mbuf_trace(4) end to end, in vnet jails joined by an epair: traces are
# captured on the host's mbuf_trace tap and read back with mbuftrace(8).
# Needs a kernel with "options MBUF_TRACE" and mbuftrace in PATH.

. $(atf_get_srcdir)/../common/vnet.subr

# Skip unless this kernel has the facility; then enable it, with no start
# point but those the test sets.
mtrace_init()
{
	vnet_init
	if ! sysctl -n kern.mbuf_trace.enable >/dev/null 2>&1; then
		atf_skip "This test requires a kernel with options MBUF_TRACE"
	fi
	sysctl kern.mbuf_trace.enable=1 >/dev/null
	sysctl kern.mbuf_trace.interfaces= >/dev/null
	sysctl kern.mbuf_trace.socket_cookie=0 >/dev/null
}

# Two jails, a (192.0.2.1) and b (192.0.2.2), on the two ends of an epair;
# sets $epair.
mtrace_two_jails()
{
	epair=$(vnet_mkepair)
	vnet_mkjail a ${epair}a
	vnet_mkjail b ${epair}b
	jexec a ifconfig ${epair}a 192.0.2.1/24 up
	jexec b ifconfig ${epair}b 192.0.2.2/24 up
	# A loaded ipfw denies by default in every VNET.
	if kldstat -q -m ipfw; then
		mtrace_ipfw_open a
		mtrace_ipfw_open b
	fi
}

# Capture traces on the host while a command runs.
mtrace_capture_start()
{
	tcpdump -i mbuf_trace -U -w traces.pcap >tcpdump.log 2>&1 &
	echo $! > tcpdump.pid
	# tcpdump prints "listening on" once its bpf descriptor is attached.
	for i in $(seq 1 50); do
		grep -q "listening on" tcpdump.log && return
		sleep 0.1
	done
	atf_fail "tcpdump did not start on mbuf_trace: $(cat tcpdump.log)"
}

mtrace_capture_stop()
{
	# Traces are written by a task after the packet is freed.
	sleep 1
	kill $(cat tcpdump.pid)
	wait $(cat tcpdump.pid) 2>/dev/null
	atf_check -s exit:0 -o save:traces.json mbuftrace read --json \
	    traces.pcap
}

# ipfw denies by default in every VNET once loaded, so the tests load
# nothing: the modules must be there already, as for tests/sys/netpfil.
mtrace_need_ipfw()
{
	kldstat -q -m ipfw || atf_skip "This test requires ipfw to be loaded"
	kldstat -q -m ipfw_mtrace ||
	    atf_skip "This test requires ipfw_mtrace to be loaded"
}

mtrace_ipfw_open()
{
	jexec $1 ipfw add 65000 allow ip from any to any >/dev/null
}

mtrace_cleanup()
{
	sysctl kern.mbuf_trace.enable=0 >/dev/null 2>&1
	sysctl kern.mbuf_trace.interfaces= >/dev/null 2>&1
	vnet_cleanup
}

atf_test_case "ping_two_vnets" "cleanup"
ping_two_vnets_head()
{
	atf_set descr 'A ping across two vnet jails is traced through both, in order'
	atf_set require.user root
	atf_set require.progs tcpdump mbuftrace
}

ping_two_vnets_body()
{
	mtrace_init
	mtrace_two_jails
	sysctl kern.mbuf_trace.interfaces=${epair}a >/dev/null

	mtrace_capture_start
	atf_check -s exit:0 -o ignore jexec a ping -c 1 192.0.2.2
	mtrace_capture_stop

	# The echo request starts leaving a, is answered in b (icmp_reflect()
	# keeps the mbuf and its persistent tag) and comes back to a.
	grep 'ICMP echo request' traces.json > request.json ||
	    atf_fail "no trace of the echo request"
	grep -o '"ns":"[^"]*"' request.json | uniq | tr '\n' ' ' > ns.txt
	atf_check -o match:'"ns":"a" "ns":"b" "ns":"a"' cat ns.txt
	atf_check -o match:'"ifname":"'${epair}'b"' cat request.json
	atf_check -o match:'"func":"ip_input"' cat request.json
	atf_check -o match:'"format":"v3"' cat request.json
	atf_check -s exit:1 grep -q '"malformed"' traces.json
}

ping_two_vnets_cleanup()
{
	mtrace_cleanup
}

atf_test_case "ipfw_start_point" "cleanup"
ipfw_start_point_head()
{
	atf_set descr 'The ipfw eaction mtrace traces only what its rule matches'
	atf_set require.user root
	atf_set require.progs tcpdump mbuftrace ipfw
}

ipfw_start_point_body()
{
	mtrace_init
	mtrace_need_ipfw
	mtrace_two_jails
	jexec b ipfw add 100 eaction mtrace icmp from any to 192.0.2.2 \
	    icmptypes 8 >/dev/null

	mtrace_capture_start
	atf_check -s exit:0 -o ignore jexec a ping -c 2 192.0.2.2
	# Not matched: UDP to b.
	echo hello | jexec a nc -u -w 1 192.0.2.2 9 >/dev/null 2>&1
	mtrace_capture_stop

	atf_check -o inline:"2\n" grep -c '"format":"v3"' traces.json
	atf_check -o inline:"2\n" grep -c '"fw":"ipfw"' traces.json
	atf_check -s exit:1 grep -q 'UDP' traces.json
}

ipfw_start_point_cleanup()
{
	mtrace_cleanup
}

atf_test_case "drop_says_why" "cleanup"
drop_says_why_head()
{
	atf_set descr 'A dropped packet'"'"'s last record says where and why'
	atf_set require.user root
	atf_set require.progs tcpdump mbuftrace ipfw
}

drop_says_why_body()
{
	mtrace_init
	mtrace_need_ipfw
	mtrace_two_jails
	jexec b ipfw add 100 eaction mtrace ip from any to any >/dev/null
	jexec b ipfw add 200 deny icmp from any to any >/dev/null

	mtrace_capture_start
	atf_check -s exit:2 -o ignore jexec a ping -c 1 -t 2 192.0.2.2
	mtrace_capture_stop

	grep 'ICMP echo request' traces.json > request.json ||
	    atf_fail "no trace of the echo request"
	# The last two records: ipfw's drop verdict, then the end that names it.
	grep -o '"kind":"[a-z]*"[^}]*' request.json | tail -n 2 > last.txt
	atf_check -o match:'"kind":"verdict".*"verdict":"drop"' head -n 1 last.txt
	atf_check -o match:'"kind":"end".*"end":"dropped".*ipfw' tail -n 1 last.txt
}

drop_says_why_cleanup()
{
	mtrace_cleanup
}

atf_test_case "cli_decodes" "cleanup"
cli_decodes_head()
{
	atf_set descr 'mbuftrace reads every trace the kernel wrote, without faults'
	atf_set require.user root
	atf_set require.progs tcpdump mbuftrace
}

cli_decodes_body()
{
	mtrace_init
	mtrace_two_jails
	sysctl kern.mbuf_trace.interfaces=${epair}a,${epair}b >/dev/null

	mtrace_capture_start
	atf_check -s exit:0 -o ignore jexec a ping -c 3 192.0.2.2
	mtrace_capture_stop

	n=$(grep -c '"format":"v3"' traces.json)
	[ "$n" -ge 3 ] || atf_fail "expected at least 3 traces, got $n"
	atf_check -s exit:1 grep -q '"malformed"' traces.json
	atf_check -s exit:0 -o match:'v3 from FreeBSD' mbuftrace read traces.pcap
	started=$(sysctl -n kern.mbuf_trace.started)
	[ "$started" -ge "$n" ] || atf_fail "started $started < emitted $n"
}

cli_decodes_cleanup()
{
	mtrace_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case "ping_two_vnets"
	atf_add_test_case "ipfw_start_point"
	atf_add_test_case "drop_says_why"
	atf_add_test_case "cli_decodes"
}
