# SPDX-License-Identifier: BSD-2-Clause
# Install the extcap that lists "mbuf_trace" among Wireshark's capture
# interfaces (`mbuftrace extcap`, see man/mbuftrace-record.8): a two-line
# script that runs mbuftrace.  Joins install-wireshark and
# uninstall-wireshark (wireshark/plugin.mk).
#
# WS_EXTCAP_DIR: the folder.  By default the personal one, as tshark
# reports it: Wireshark >= 4.2 prints "Personal Extcap path"; 4.0 prints
# none but reads extcap/ in the personal configuration folder
# (~/.config/wireshark/extcap), also when run as root, which recording
# needs.  Deferred (?=), so tshark runs only when installing.
WS_EXTCAP_DIR ?= $(or \
	$(shell tshark -G folders 2>/dev/null | \
		sed -n 's/^Personal Extcap path:[[:space:]]*//p'), \
	$(shell tshark -G folders 2>/dev/null | \
		sed -n 's|^Personal configuration:[[:space:]]*\(.*\)|\1/extcap|p'), \
	$(HOME)/.config/wireshark/extcap)
# WS_EXTCAP_MBUFTRACE: the mbuftrace the script runs; by default this
# tree's build (built first), e.g. /usr/local/bin/mbuftrace after
# `make install`.
WS_EXTCAP_MBUFTRACE ?= $(abspath $(BIN))

.PHONY: install-wireshark-extcap uninstall-wireshark-extcap
install-wireshark: install-wireshark-extcap
uninstall-wireshark: uninstall-wireshark-extcap

install-wireshark-extcap: \
	$(if $(filter $(abspath $(BIN)),$(WS_EXTCAP_MBUFTRACE)),$(BIN))
	@test -x "$(WS_EXTCAP_MBUFTRACE)" || { \
		echo "install-wireshark: no program $(WS_EXTCAP_MBUFTRACE)" \
		     "(set WS_EXTCAP_MBUFTRACE)" >&2; exit 1; }
	@mkdir -p "$(WS_EXTCAP_DIR)" && \
	sed 's|@MBUFTRACE@|$(WS_EXTCAP_MBUFTRACE)|' wireshark/extcap/mbuf_trace \
		>"$(WS_EXTCAP_DIR)/mbuf_trace.tmp" && \
	chmod 0755 "$(WS_EXTCAP_DIR)/mbuf_trace.tmp" && \
	mv -f "$(WS_EXTCAP_DIR)/mbuf_trace.tmp" "$(WS_EXTCAP_DIR)/mbuf_trace" && \
	echo "installed extcap:        $(WS_EXTCAP_DIR)/mbuf_trace" \
	     "(runs $(WS_EXTCAP_MBUFTRACE))"
	@if [ "$$(id -u)" != 0 ]; then \
		echo "note: recording needs root, and Wireshark run as root" \
		     "looks in root's folder: sudo -H make install-wireshark"; \
	fi

uninstall-wireshark-extcap:
	rm -f "$(WS_EXTCAP_DIR)/mbuf_trace"
