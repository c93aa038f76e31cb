### scripts/: examples and analysis helpers
# netsim-plot, netsim-trace and netsim-sweep are installed into bindir, netsim_h5.py into
# $(pkgdatadir)/python, where the scripts look for it (next to themselves
# first, as in the source tree). In the tree each script starts as sh and
# looks for a Python with h5py; the installed copy (built as
# scripts/bin/NAME) starts with #! and the Python configure found, so it
# runs whatever python3 is first on PATH. Without one (PYTHON=false) the
# installed copy is the tree's.

bin_SCRIPTS = %reldir%/bin/netsim-plot %reldir%/bin/netsim-sweep %reldir%/bin/netsim-trace
EXTRA_DIST += %reldir%/netsim-plot %reldir%/netsim-sweep %reldir%/netsim-trace
CLEANFILES += $(bin_SCRIPTS)
ns_script_gen = $(MKDIR_P) %reldir%/bin && \
	if test "$(PYTHON)" = false; then cat $$src >$@.tmp; \
	else { printf '\043!%s\n' '$(PYTHON)'; sed 1d $$src; } >$@.tmp; fi && \
	chmod +x $@.tmp && mv $@.tmp $@
%reldir%/bin/netsim-plot: %reldir%/netsim-plot Makefile
	$(AM_V_GEN)src=$(srcdir)/%reldir%/netsim-plot; $(ns_script_gen)
%reldir%/bin/netsim-sweep: %reldir%/netsim-sweep Makefile
	$(AM_V_GEN)src=$(srcdir)/%reldir%/netsim-sweep; $(ns_script_gen)
%reldir%/bin/netsim-trace: %reldir%/netsim-trace Makefile
	$(AM_V_GEN)src=$(srcdir)/%reldir%/netsim-trace; $(ns_script_gen)
netsim_pythondir = $(pkgdatadir)/python
dist_netsim_python_DATA = %reldir%/netsim_h5.py

dist_noinst_DATA += \
	%reldir%/examples/quickstart.lua %reldir%/examples/leafspine.lua \
	%reldir%/examples/spray-vs-ecmp.lua %reldir%/examples/allreduce.lua \
	%reldir%/examples/diloco.lua %reldir%/examples/moe.lua %reldir%/examples/chakra.lua %reldir%/examples/training.lua \
	%reldir%/examples/rails.lua \
	%reldir%/bootstrap.sh \
	%reldir%/analysis.ipynb %reldir%/figures/quickstart-util.png

# make readme-figure: redraw the README's picture from the quick-start example
readme-figure: netsim$(EXEEXT)
	./netsim$(EXEEXT) -q -o quickstart.h5 $(srcdir)/%reldir%/examples/quickstart.lua
	$(srcdir)/%reldir%/netsim-plot util quickstart.h5 -o $(srcdir)/%reldir%/figures/quickstart-util.png
.PHONY: readme-figure
