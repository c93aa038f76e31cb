### scripts/: examples and analysis helpers

dist_noinst_DATA += \
	%reldir%/examples/quickstart.lua %reldir%/examples/allreduce.lua \
	%reldir%/examples/diloco.lua \
	%reldir%/examples/moe.lua \
	%reldir%/bootstrap.sh
