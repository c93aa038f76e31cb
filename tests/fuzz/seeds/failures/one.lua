{ failed = { leaf = 1, spine = 1 } }
