{ spines = 1, failed = { leaf = 1, spine = 1 } }
