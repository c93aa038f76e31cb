{ degraded = { leaf = 1, spine = 1 } }
