/*
 * fuzz.h - what every fuzz target of netsim shares (tests/fuzz/README).
 *
 * A target is one file tests/fuzz/fuzz_NAME.c that defines
 * LLVMFuzzerTestOneInput(). Built with clang --enable-fuzzing, libFuzzer
 * supplies main() and drives it; in every other build, standalone.c
 * supplies a main() that runs it once per file named on its command line,
 * which is how `make check` replays the seeds and the regression inputs.
 * A target returns 0 for any input; a bug shows as a crash, a sanitizer
 * report, or abort() from ns_fuzz_require().
 */
#ifndef NS_FUZZ_H
#define NS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* once per process: set up the netsim library and cap what the netsim
 * allocator may hold (0: no cap) */
void ns_fuzz_init(size_t alloc_limit);

/* the input as a NUL-terminated string (in a buffer the caller frees with
 * free()); NULL if the input holds a NUL byte and `allow_nul` is 0 */
char *ns_fuzz_cstring(const uint8_t *data, size_t size, int allow_nul);

/* write the input to a scratch file of this process (the same path every
 * call; `suffix` such as ".graphml") and return its path, or NULL */
const char *ns_fuzz_temp_file(const uint8_t *data, size_t size, const char *suffix);

/* a property every input must keep: print `what` and abort() when `cond` is false */
void ns_fuzz_require(int cond, const char *what, const char *input);

/* the source tree: $SRCDIR (make check sets it), else the one built from */
const char *ns_fuzz_srcdir(void);

/* run `source` as the scenario fuzz.lua in the sandbox of fuzz_lua.c; with
 * `arg`, the chunk is trusted: it gets `arg` as its argument (...) and a
 * global fuzz_require(cond, what) that aborts when cond is false. Checks
 * that no netsim block is left (`target` names the target) */
void ns_fuzz_lua(const char *target, const char *source, const char *arg);

/* the netsim allocator must hold no block between inputs */
void ns_fuzz_no_leak(const char *target);

#endif
