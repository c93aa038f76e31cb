{ failed = {} }
