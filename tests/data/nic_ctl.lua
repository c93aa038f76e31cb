-- tests/data/nic_ctl.lua: tests/nic_ctl.sh. Two hosts on one cable (100 Gb/s,
-- 1 us, 4,096-byte MTU), 4,000,000 bytes from host 1 to host 2, and with
-- both=1 as many back: each NIC then sends its data and the ACKs of the
-- other's; lat = the cable's latency. With pfc=1 the hosts are on a
-- switch that runs PFC (a star of 2), each cable as the pair's.
local fab
if param("pfc", "0") == "1" then
  fab = netsim.star{ hosts = 2, rate = "100Gbps", latency = param("lat", "1us"), mtu = 4096,
                     switch = { pfc = true } }
else
  fab = netsim.pair{ rate = "100Gbps", latency = param("lat", "1us"), mtu = 4096 }
end
local w = netsim.workload()
w:transfer{ src = 1, dst = 2, bytes = 4000000 }
if param("both", "0") == "1" then w:transfer{ src = 2, dst = 1, bytes = 4000000 } end
netsim.run{ fabric = fab, workload = w, transport = param("transport", "dctcp"),
            output = param("output", "nic_ctl.h5") }
