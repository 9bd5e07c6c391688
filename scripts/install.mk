# SPDX-License-Identifier: BSD-2-Clause
# `make install` / `make uninstall`, honouring PREFIX and DESTDIR (and the
# directories below, which packagers set: Debian's multiarch LIBDIR,
# FreeBSD's libdata/pkgconfig).  Installs the command, libmbuftrace.a and
# the shared library (soname libmbuftrace.so.$(MBT_SOMAJOR)), the public
# headers under include/mbuftrace/, mbuftrace.pc, the man pages, and for
# Wireshark one dissector (the C plugin where it can be built, else the
# Lua one; the Lua one is always in $(DATADIR) for `tshark -X
# lua_script:`) and, where record exists, the extcap.  Included by the top
# Makefile; `make install-wireshark` (wireshark/*.mk) is the personal
# variant of the Wireshark part.

PREFIX       ?= /usr/local
BINDIR       ?= $(PREFIX)/bin
LIBDIR       ?= $(PREFIX)/lib
INCLUDEDIR   ?= $(PREFIX)/include
MANDIR       ?= $(PREFIX)/share/man
DATADIR      ?= $(PREFIX)/share/mbuftrace
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
# Wireshark's global folders under LIBDIR, as Debian and FreeBSD lay them
# out (`tshark -G folders`).
WS_LIBDIR    ?= $(LIBDIR)/wireshark
INSTALL      ?= install

# One version, the command's (cli/cli.h); the soname changes with the
# first number.
MBT_RELEASE  := $(shell sed -n 's/^\#define MBT_VERSION "\(.*\)"/\1/p' cli/cli.h)
MBT_SOMAJOR  := $(firstword $(subst ., ,$(MBT_RELEASE)))
SONAME       := libmbuftrace.so.$(MBT_SOMAJOR)
SHLIB        := $(B)/lib/libmbuftrace.so.$(MBT_RELEASE)
PIC_OBJ       = $(LIB_SRC:%.c=$(B)/pic/%.o)

# Man pages: record's only where record is built.
MAN_PAGES    := $(if $(filter 1,$(MBT_LINUX)),$(wildcard man/*.8),\
		$(filter-out man/mbuftrace-record.8,$(wildcard man/*.8)))

.PHONY: install uninstall shared-lib
shared-lib: $(SHLIB)

$(B)/pic/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(CPPFLAGS) $(CFLAGS) $(WARN) $(EXTRA_CFLAGS) -fPIC \
		-c -o $@ $<

$(SHLIB): $(PIC_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(EXTRA_CFLAGS) $(LDFLAGS) -shared \
		-Wl,-soname,$(SONAME) -o $@ $^ -lpcap

install: $(BIN) $(LIBA) $(SHLIB)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) \
		$(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(INCLUDEDIR)/mbuftrace \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(DATADIR)
	$(INSTALL) -m 755 $(BIN) $(DESTDIR)$(BINDIR)/mbuftrace
	$(INSTALL) -m 644 $(LIBA) $(DESTDIR)$(LIBDIR)/libmbuftrace.a
	$(INSTALL) -m 644 $(SHLIB) $(DESTDIR)$(LIBDIR)/$(notdir $(SHLIB))
	ln -sf $(notdir $(SHLIB)) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libmbuftrace.so
	@# Written here, from this run's directories.  libpcap is in
	@# Libs.private, not Requires: FreeBSD's base libpcap has no .pc file.
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(MBT_RELEASE)|' \
	    scripts/mbuftrace.pc.in >$(DESTDIR)$(PKGCONFIGDIR)/mbuftrace.pc
	chmod 644 $(DESTDIR)$(PKGCONFIGDIR)/mbuftrace.pc
	$(INSTALL) -m 644 $(wildcard include/mbuftrace/*.h) \
		$(DESTDIR)$(INCLUDEDIR)/mbuftrace
	$(INSTALL) -m 644 $(MAN_PAGES) $(DESTDIR)$(MANDIR)/man8
	$(INSTALL) -m 644 wireshark/mbuf_trace.lua $(DESTDIR)$(DATADIR)
	@# Deferred: wireshark/plugin.mk is read after this file.
	$(if $(filter c,$(WS_DISSECTOR)),$(MAKE) $(WS_PLUGIN) && \
	  $(INSTALL) -d $(DESTDIR)$(WS_LIBDIR)/plugins/$(WS_VERSION)/epan && \
	  $(INSTALL) -m 644 $(WS_PLUGIN) \
		$(DESTDIR)$(WS_LIBDIR)/plugins/$(WS_VERSION)/epan/mbuf_trace.so,\
	  $(INSTALL) -d $(DESTDIR)$(WS_LIBDIR)/plugins && \
	  $(INSTALL) -m 644 wireshark/mbuf_trace.lua \
		$(DESTDIR)$(WS_LIBDIR)/plugins/mbuf_trace.lua)
	$(if $(filter 1,$(MBT_LINUX)),\
	  $(INSTALL) -d $(DESTDIR)$(WS_LIBDIR)/extcap && \
	  sed 's|@MBUFTRACE@|$(BINDIR)/mbuftrace|' wireshark/extcap/mbuf_trace \
		>$(DESTDIR)$(WS_LIBDIR)/extcap/mbuf_trace && \
	  chmod 755 $(DESTDIR)$(WS_LIBDIR)/extcap/mbuf_trace)

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/mbuftrace \
	    $(DESTDIR)$(LIBDIR)/libmbuftrace.a \
	    $(DESTDIR)$(LIBDIR)/libmbuftrace.so \
	    $(DESTDIR)$(LIBDIR)/$(SONAME) \
	    $(DESTDIR)$(LIBDIR)/$(notdir $(SHLIB)) \
	    $(DESTDIR)$(PKGCONFIGDIR)/mbuftrace.pc \
	    $(DESTDIR)$(DATADIR)/mbuf_trace.lua \
	    $(DESTDIR)$(WS_LIBDIR)/plugins/*/epan/mbuf_trace.so \
	    $(DESTDIR)$(WS_LIBDIR)/plugins/mbuf_trace.lua \
	    $(DESTDIR)$(WS_LIBDIR)/extcap/mbuf_trace
	rm -f $(addprefix $(DESTDIR)$(INCLUDEDIR)/mbuftrace/,\
		$(notdir $(wildcard include/mbuftrace/*.h)))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man8/,$(notdir $(wildcard man/*.8)))
	-rmdir $(DESTDIR)$(INCLUDEDIR)/mbuftrace $(DESTDIR)$(DATADIR) 2>/dev/null

# The Debian packages (debian/), built from a copy of the tree and checked
# with lintian; minutes long, so not part of `make check`.
.PHONY: check-deb
check-deb:
	tests/pkg/check_deb.sh
