#include "CInterprocessBench.h"

#include <stdlib.h>

int64_t ipcb_malloc_free_pairs(int64_t count, int64_t size) {
    uint64_t start = ipcb_monotonic_ns();
    for (int64_t index = 0; index < count; index++) {
        char *volatile block = malloc((size_t)size);
        if (block == NULL) return -1;
        block[0] = (char)index;
        free(block);
    }
    return (int64_t)(ipcb_monotonic_ns() - start);
}
