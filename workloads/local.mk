### workloads/: task-graph builders

libnetsim_a_SOURCES += \
	%reldir%/wl_lua.c %reldir%/wl_lua.h \
	%reldir%/wl_methods.c %reldir%/wl_build.h \
	%reldir%/collectives.c %reldir%/collectives.h %reldir%/collectives_lua.c \
	%reldir%/diloco.c %reldir%/diloco.h %reldir%/diloco_lua.c %reldir%/diloco_results.c \
	%reldir%/textfile.c %reldir%/textfile.h \
	%reldir%/flowdist.c %reldir%/flowdist.h \
	%reldir%/traffic.c %reldir%/traffic.h %reldir%/background.c %reldir%/replay.c \
	%reldir%/traffic_lua.c \
	%reldir%/moe.c %reldir%/moe.h %reldir%/moe_lua.c %reldir%/moe_results.c \
	%reldir%/wl_results.c %reldir%/wl_results.h

# the published flow-size CDFs, compiled in by name (w:background{ sizes = "websearch" })
%canon_reldir%_cdfs = %reldir%/data/websearch.cdf %reldir%/data/datamining.cdf
nodist_libnetsim_a_SOURCES = %reldir%/flowdist_data.c
%reldir%/flowdist_data.c: %reldir%/cdf2c.awk $(%canon_reldir%_cdfs)
	$(AM_V_GEN)$(AWK) -f $(srcdir)/%reldir%/cdf2c.awk $(%canon_reldir%_cdfs:%=$(srcdir)/%) >$@-t && mv $@-t $@
CLEANFILES += %reldir%/flowdist_data.c
EXTRA_DIST += %reldir%/cdf2c.awk
dist_pkgdata_DATA = $(%canon_reldir%_cdfs)
