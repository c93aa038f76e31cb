# websearch.cdf - flow sizes of the web-search workload: the background flows
# of a production web-search cluster measured in
#   M. Alizadeh, A. Greenberg, D. A. Maltz, J. Padhye, P. Patel, B. Prabhakar,
#   S. Sengupta, M. Sridharan, "Data Center TCP (DCTCP)", ACM SIGCOMM 2010,
#   Figure 4 (distribution of background flow sizes),
# as tabulated for simulation in
#   M. Alizadeh, S. Yang, M. Sharif, S. Katti, N. McKeown, B. Prabhakar,
#   S. Shenker, "pFabric: Minimal Near-Optimal Datacenter Transport",
#   ACM SIGCOMM 2013 (its ns-2 file CDF_dctcp.tcl, in packets of 1460 payload
#   bytes; here converted to bytes: packets x 1460).
# The same table is used by PIAS (NSDI 2015), Homa (SIGCOMM 2018), HPCC
# (SIGCOMM 2019) and others.
#
# Format (netsim-lua(5), w:background): "size_bytes cumulative_probability";
# sizes between two points are interpolated linearly; no flow is smaller than
# the first size, which has the first probability. Mean flow size: 1,665,830.8 bytes.
8760      0.15
18980     0.20
27740     0.30
48180     0.40
77380     0.53
194180    0.60
973820    0.70
1946180   0.80
4866180   0.90
9733820   0.97
29200000  1.00
