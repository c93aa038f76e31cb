# uniform.cdf - a test distribution: flow sizes uniform between 1000 and
# 3000 bytes (mean 2000, mean square 13,000,000/3). Used by tests/lua/background.lua.
1000 0
3000 1
