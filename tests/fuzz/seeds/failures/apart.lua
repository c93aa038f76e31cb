{ leaves = 2, spines = 2, failed = { { leaf = 1, spine = 2 }, { leaf = 2, spine = 1 } } }
