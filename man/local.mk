### man/: netsim(1), netsim-lua(5), netsim-hdf5(5)

dist_man_MANS += %reldir%/netsim.1 %reldir%/netsim-lua.5 %reldir%/netsim-hdf5.5
