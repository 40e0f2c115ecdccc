#pragma once
/// Returns 1; referenced by the tests so that the linker keeps this object (and its constructor).
int ipc_test_environment_linked(void);
