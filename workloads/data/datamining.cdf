# datamining.cdf - flow sizes of the data-mining workload: flows in a
# production data-mining cluster measured in
#   A. Greenberg, J. R. Hamilton, N. Jain, S. Kandula, C. Kim, P. Lahiri,
#   D. A. Maltz, P. Patel, S. Sengupta, "VL2: A Scalable and Flexible Data
#   Center Network", ACM SIGCOMM 2009, Figure 2 (flow size distribution),
# as tabulated for simulation in
#   M. Alizadeh, S. Yang, M. Sharif, S. Katti, N. McKeown, B. Prabhakar,
#   S. Shenker, "pFabric: Minimal Near-Optimal Datacenter Transport",
#   ACM SIGCOMM 2013 (its ns-2 file CDF_vl2.tcl, in packets of 1460 payload
#   bytes; here converted to bytes: packets x 1460).
# The same table is used by PIAS (NSDI 2015), Homa (SIGCOMM 2018) and others.
#
# Format (netsim-lua(5), w:background): "size_bytes cumulative_probability";
# sizes between two points are interpolated linearly; no flow is smaller than
# the first size, which has the first probability. Mean flow size: 7,470,236 bytes.
1460        0.50
2920        0.60
4380        0.70
10220       0.80
389820      0.90
3076220     0.95
97333820    0.99
973333820   1.00
