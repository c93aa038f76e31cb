### scripts/: examples and analysis helpers
# netsim-plot, netsim-trace and netsim-sweep are installed into bindir, netsim_h5.py into
# $(pkgdatadir)/python, where the two scripts look for it (next to
# themselves first, as in the source tree).

dist_bin_SCRIPTS = %reldir%/netsim-plot %reldir%/netsim-sweep %reldir%/netsim-trace
netsim_pythondir = $(pkgdatadir)/python
dist_netsim_python_DATA = %reldir%/netsim_h5.py

dist_noinst_DATA += \
	%reldir%/examples/quickstart.lua %reldir%/examples/leafspine.lua \
	%reldir%/examples/spray-vs-ecmp.lua %reldir%/examples/allreduce.lua \
	%reldir%/examples/diloco.lua %reldir%/examples/moe.lua %reldir%/examples/chakra.lua \
	%reldir%/bootstrap.sh \
	%reldir%/analysis.ipynb %reldir%/figures/quickstart-util.png

# make readme-figure: redraw the README's picture from the quick-start example
readme-figure: netsim$(EXEEXT)
	./netsim$(EXEEXT) -q -o quickstart.h5 $(srcdir)/%reldir%/examples/quickstart.lua
	$(srcdir)/%reldir%/netsim-plot util quickstart.h5 -o $(srcdir)/%reldir%/figures/quickstart-util.png
.PHONY: readme-figure
