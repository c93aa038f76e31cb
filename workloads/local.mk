### workloads/: task-graph builders

libnetsim_a_SOURCES += \
	%reldir%/wl_lua.c %reldir%/wl_lua.h \
	%reldir%/wl_methods.c %reldir%/wl_build.h \
	%reldir%/collectives.c %reldir%/collectives.h %reldir%/collectives_lua.c \
	%reldir%/diloco.c %reldir%/diloco.h %reldir%/diloco_lua.c %reldir%/diloco_results.c \
	%reldir%/training.c %reldir%/training.h %reldir%/training_lua.c \
	%reldir%/textfile.c %reldir%/textfile.h \
	%reldir%/flowdist.c %reldir%/flowdist.h \
	%reldir%/traffic.c %reldir%/traffic.h %reldir%/background.c %reldir%/replay.c \
	%reldir%/traffic_lua.c \
	%reldir%/moe.c %reldir%/moe.h %reldir%/moe_lua.c %reldir%/moe_results.c \
	%reldir%/wl_results.c %reldir%/wl_results.h \
	%reldir%/chakra.c %reldir%/chakra.h %reldir%/chakra_lua.c

# the published flow-size CDFs, compiled in by name (w:background{ sizes = "websearch" })
%canon_reldir%_cdfs = %reldir%/data/websearch.cdf %reldir%/data/datamining.cdf
nodist_libnetsim_a_SOURCES = %reldir%/flowdist_data.c
%reldir%/flowdist_data.c: %reldir%/cdf2c.awk $(%canon_reldir%_cdfs)
	$(AM_V_GEN)$(AWK) -f $(srcdir)/%reldir%/cdf2c.awk $(%canon_reldir%_cdfs:%=$(srcdir)/%) >$@-t && mv $@-t $@
CLEANFILES += %reldir%/flowdist_data.c
EXTRA_DIST += %reldir%/cdf2c.awk
dist_pkgdata_DATA = $(%canon_reldir%_cdfs)

# Chakra execution traces: the C reader of workloads/chakra.proto, made by protoc-c
nodist_libnetsim_a_SOURCES += %reldir%/chakra.pb-c.c %reldir%/chakra.pb-c.h
BUILT_SOURCES = %reldir%/chakra.pb-c.c %reldir%/chakra.pb-c.h
%reldir%/chakra.pb-c.h: %reldir%/chakra.pb-c.c
	@test -f $@ || { rm -f $<; $(MAKE) $(AM_MAKEFLAGS) $<; }
%reldir%/chakra.pb-c.c: %reldir%/chakra.proto
	$(AM_V_GEN)$(MKDIR_P) %reldir% && $(PROTOC_C) -I$(srcdir) --c_out=. $(srcdir)/%reldir%/chakra.proto
CLEANFILES += %reldir%/chakra.pb-c.c %reldir%/chakra.pb-c.h
EXTRA_DIST += %reldir%/chakra.proto
