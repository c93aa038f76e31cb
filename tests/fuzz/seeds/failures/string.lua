{ failed = "leaf1-spine1" }
