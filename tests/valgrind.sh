#!/bin/sh
# valgrind.sh PROGRAM [ARGS...] - run PROGRAM under valgrind memcheck; exit
# status 99 (a hard error for the test driver) on any memory error or any
# definite, indirect or possible leak. `make check-valgrind` runs a sample of
# the tests this way: unit tests as LOG_COMPILER, netsim through
# tests/valgrind-netsim (NETSIM of the shell tests).
exec valgrind --quiet --error-exitcode=99 --leak-check=full \
    --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible \
    --track-origins=yes "$@"
