#define _GNU_SOURCE
#include "CInterprocessShim.h"

#include <stdio.h>
#include <string.h>

// The cookie functions of a FILE over a fixed region (see ipc_region_file_open). Writes past
// the region's end are cut short (a write of 0 bytes is an error to stdio, which sets the
// stream's error flag and makes fprintf return -1); a NUL is kept after the bytes written when
// there is room, so a zero-terminated reader in another process sees where the text ends.

static ssize_t region_read(void *cookie, char *buffer, size_t size) {
    struct ipc_region_cookie *region = cookie;
    size_t left = region->position < region->capacity ? region->capacity - region->position : 0;
    size_t count = size < left ? size : left;
    memcpy(buffer, region->base + region->position, count);
    region->position += count;
    return (ssize_t)count;
}

static ssize_t region_write(void *cookie, const char *buffer, size_t size) {
    struct ipc_region_cookie *region = cookie;
    size_t left = region->position < region->capacity ? region->capacity - region->position : 0;
    size_t count = size < left ? size : left;
    memcpy(region->base + region->position, buffer, count);
    region->position += count;
    if (region->position > region->length) region->length = region->position;
    if (region->position < region->capacity) region->base[region->position] = 0;
    if (count < size) region->truncated = 1;
    return (ssize_t)count;
}

static int region_seek(void *cookie, off64_t *offset, int whence) {
    struct ipc_region_cookie *region = cookie;
    int64_t origin;
    switch (whence) {
    case SEEK_SET: origin = 0; break;
    case SEEK_CUR: origin = (int64_t)region->position; break;
    case SEEK_END: origin = (int64_t)region->length; break;
    default: errno = EINVAL; return -1;
    }
    int64_t target;
    if (__builtin_add_overflow(origin, (int64_t)*offset, &target) || target < 0 || (uint64_t)target > region->capacity) {
        errno = EINVAL;
        return -1;
    }
    region->position = (size_t)target;
    *offset = target;
    return 0;
}

static int region_close(void *cookie) {
    (void)cookie;
    return 0;
}

FILE *ipc_region_file_open(struct ipc_region_cookie *cookie, const char *mode) {
    cookie_io_functions_t functions = {
        .read = region_read, .write = region_write, .seek = region_seek, .close = region_close,
    };
    return fopencookie(cookie, mode, functions);
}
