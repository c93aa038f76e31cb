{ links_per_spine = 3, failed = { leaf = 1, spine = 1, cable = 4 } }
