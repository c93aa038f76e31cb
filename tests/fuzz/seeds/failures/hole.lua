{ failed = { { leaf = 1, spine = 1 }, nil, { leaf = 2, spine = 2 } } }
