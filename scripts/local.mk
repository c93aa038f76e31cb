### scripts/: examples and analysis helpers

dist_noinst_DATA += \
	%reldir%/examples/quickstart.lua %reldir%/examples/leafspine.lua \
	%reldir%/examples/spray-vs-ecmp.lua %reldir%/bootstrap.sh
