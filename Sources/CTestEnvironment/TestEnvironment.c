// Linked into the test bundle only. swift-testing starts every test at once as a task on
// Swift's cooperative pool, which is as wide as the machine has CPUs. Many of our tests block
// their thread on another process (the cross-process and kill tests), so on a 2-CPU machine an
// async test whose peer is waiting could get no thread for over a minute and its peer would give
// up. Limiting how many tests run at once (to twice the usual pool width of a small machine)
// keeps a thread free for the tests that suspend. A value set in the environment wins.
#include <stdlib.h>
#include "TestEnvironment.h"

__attribute__((constructor))
static void ipc_limit_parallel_tests(void) {
    setenv("SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH", "4", 0);
}

int ipc_test_environment_linked(void) { return 1; }
