{ failed = { { leaf = 1, spine = 1 }, { leaf = 1, spine = 1 } } }
