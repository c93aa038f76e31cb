{ degraded = { leaf = 2, spine = 2, rate = "1Gbps" }, failed = { leaf = 2, spine = 2 } }
