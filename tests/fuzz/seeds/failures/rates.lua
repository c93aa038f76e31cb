{ degraded = { { leaf = 3, spine = 2, rate = "1bps" }, { leaf = 1, spine = 1, rate = "1e15Gbps" } } }
