# SPDX-License-Identifier: BSD-2-Clause
# Build and install the Wireshark C plugin; included at the end of the top
# Makefile.  The plugin joins `all` only where pkg-config finds Wireshark's
# development files, so `make` works on a machine without them.
#
# The built plugin links libwireshark (GPL-2.0-or-later): the .so is GPL.

WS_PKGS      := wireshark glib-2.0
WS_FOUND     := $(shell pkg-config --exists $(WS_PKGS) 2>/dev/null && echo yes)
# -isystem: our warnings are for our code, not for Wireshark's headers.
WS_CFLAGS    := $(patsubst -I%,-isystem %,$(shell pkg-config --cflags $(WS_PKGS) 2>/dev/null))
WS_LIBS      := $(shell pkg-config --libs $(WS_PKGS) 2>/dev/null)
# "4.0.17" -> "4.0": plugins are looked up per major.minor.
WS_VERSION   := $(or $(shell pkg-config --modversion wireshark 2>/dev/null | \
		  cut -d. -f1,2),$(shell tshark --version 2>/dev/null | \
		  sed -n '1s/^[^0-9]*\([0-9]*\.[0-9]*\).*/\1/p'))

WS_DIR       := build/wireshark
WS_PLUGIN    := $(WS_DIR)/mbuf_trace.so
WS_SRC       := $(sort $(wildcard wireshark/plugin/*.c))
WS_OBJ       := $(WS_SRC:wireshark/plugin/%.c=$(WS_DIR)/obj/%.o)
# A position-independent, hidden-symbol copy of libmbuftrace for the plugin:
# the plain build/lib/libmbuftrace.a is not built -fPIC.
WS_LIB_OBJ   := $(LIB_SRC:lib/%.c=$(WS_DIR)/lib/%.o)
# An archive, so that only the objects the plugin uses are linked in (the
# pcap reader, for one, is not).
WS_LIBA      := $(WS_DIR)/libmbuftrace-pic.a
WS_PICFLAGS  := -fPIC -fvisibility=hidden

# Wireshark's personal plugin folders (see `tshark -G folders`).
WS_USER_PLUGINS ?= $(HOME)/.local/lib/wireshark/plugins
WS_USER_EPAN    := $(WS_USER_PLUGINS)/$(WS_VERSION)/epan

.PHONY: wireshark-plugin install-wireshark uninstall-wireshark test-wireshark

ifeq ($(WS_FOUND),yes)
all: $(WS_PLUGIN)
endif

wireshark-plugin: $(WS_PLUGIN)

$(WS_DIR)/lib/%.o: lib/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(CPPFLAGS) $(CFLAGS) $(WARN) $(WS_PICFLAGS) -c -o $@ $<

$(WS_DIR)/obj/%.o: wireshark/plugin/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(CPPFLAGS) $(CFLAGS) $(WARN) $(WS_PICFLAGS) $(WS_CFLAGS) \
		-c -o $@ $<

$(WS_LIBA): $(WS_LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# -z defs: an unresolved symbol fails here, not when Wireshark loads it.
$(WS_PLUGIN): $(WS_OBJ) $(WS_LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -shared -Wl,-z,defs -o $@ $(WS_OBJ) $(WS_LIBA) \
		$(WS_LIBS)

# Both dissectors register the protocol mbuf_trace, and Wireshark refuses
# the second one (a Lua error at every start), so by default only one is
# installed, and the other is removed: the C plugin where it can be built,
# else the Lua one.  WS_DISSECTOR=c, lua or both chooses.
WS_DISSECTOR ?= $(if $(filter yes,$(WS_FOUND)),c,lua)

install-wireshark: $(if $(filter c both,$(WS_DISSECTOR)),$(WS_PLUGIN))
	@case "$(WS_DISSECTOR)" in c|lua|both) ;; \
	*) echo "install-wireshark: WS_DISSECTOR must be c, lua or both" >&2; \
	   exit 1;; esac
	@if [ "$(WS_DISSECTOR)" != lua ]; then \
		mkdir -p "$(WS_USER_EPAN)" && \
		install -m 0644 $(WS_PLUGIN) "$(WS_USER_EPAN)/mbuf_trace.so" && \
		echo "installed C plugin:      $(WS_USER_EPAN)/mbuf_trace.so"; \
	else \
		rm -f "$(WS_USER_EPAN)/mbuf_trace.so"; \
	fi
	@if [ "$(WS_DISSECTOR)" != c ]; then \
		mkdir -p "$(WS_USER_PLUGINS)" && \
		install -m 0644 wireshark/mbuf_trace.lua \
			"$(WS_USER_PLUGINS)/mbuf_trace.lua" && \
		echo "installed Lua dissector: $(WS_USER_PLUGINS)/mbuf_trace.lua"; \
	else \
		rm -f "$(WS_USER_PLUGINS)/mbuf_trace.lua"; \
	fi
	@if [ "$(WS_DISSECTOR)" = both ]; then \
		echo "warning: both register mbuf_trace; Wireshark keeps the C plugin" \
		     "and reports a Lua error"; \
	fi
	@if [ "$$(id -u)" = 0 ]; then \
		echo "note: Wireshark run as root ignores personal plugin folders"; \
	fi

uninstall-wireshark:
	rm -f "$(WS_USER_EPAN)/mbuf_trace.so" "$(WS_USER_PLUGINS)/mbuf_trace.lua"

test-wireshark: $(if $(filter yes,$(WS_FOUND)),$(WS_PLUGIN))
	tests/wireshark/test_plugin.sh
