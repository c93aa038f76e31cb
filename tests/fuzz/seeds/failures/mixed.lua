{ leaves = 3, spines = 2, links_per_spine = 2, degraded = { { leaf = 1, spine = 2, cable = 2, rate = "10Gbps" } }, failed = { { leaf = 2, spine = 1, cable = 1 }, { leaf = 3, spine = 2 } } }
