{ degraded = { leaf = 1.5, spine = 0/0, rate = "0bps" } }
