// The message queue group's C baseline: a bounded priority queue in a shared mapping as a user
// would write one (Boost's message_queue does the same): a process-shared robust pthread mutex,
// two process-shared condition variables (not empty, not full), a binary heap of entries
// ordered by (priority desc, sequence asc) and fixed-size slots the messages are copied into
// and out of under the mutex.
#define _GNU_SOURCE
#include "CInterprocessBench.h"

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <string.h>

typedef struct {
    uint32_t priority;
    uint32_t slot;
    uint64_t sequence;
} ipcb_pq_entry;

typedef struct {
    pthread_mutex_t mutex;
    pthread_cond_t not_empty;
    pthread_cond_t not_full;
    uint32_t capacity;
    uint32_t max_size;
    uint32_t count;
    uint32_t stride;
    uint64_t next_sequence;
    // Then: capacity entries (the heap), capacity free-slot indices, capacity slots
    // (a uint32_t length and the payload each).
} ipcb_pq;

static size_t ipcb_pq_header(void) { return (sizeof(ipcb_pq) + 63) & ~(size_t)63; }
static ipcb_pq_entry *ipcb_pq_heap(ipcb_pq *queue) { return (ipcb_pq_entry *)((char *)queue + ipcb_pq_header()); }
static uint32_t *ipcb_pq_free(ipcb_pq *queue) { return (uint32_t *)(ipcb_pq_heap(queue) + queue->capacity); }
static char *ipcb_pq_slot(ipcb_pq *queue, uint32_t slot) {
    size_t slots = ((size_t)queue->capacity * (sizeof(ipcb_pq_entry) + sizeof(uint32_t)) + 63) & ~(size_t)63;
    return (char *)ipcb_pq_heap(queue) + slots + (size_t)slot * queue->stride;
}

uint64_t ipcb_pq_bytes(uint32_t capacity, uint32_t max_size) {
    uint64_t stride = (4 + max_size + 7) & ~7u;
    uint64_t slots = ((uint64_t)capacity * (sizeof(ipcb_pq_entry) + sizeof(uint32_t)) + 63) & ~(uint64_t)63;
    return ipcb_pq_header() + slots + capacity * stride;
}

int ipcb_pq_init(void *region, uint32_t capacity, uint32_t max_size) {
    ipcb_pq *queue = region;
    memset(queue, 0, sizeof(*queue));
    pthread_mutexattr_t mutex_attributes;
    pthread_mutexattr_init(&mutex_attributes);
    pthread_mutexattr_setpshared(&mutex_attributes, PTHREAD_PROCESS_SHARED);
    pthread_mutexattr_setrobust(&mutex_attributes, PTHREAD_MUTEX_ROBUST);
    int failed = pthread_mutex_init(&queue->mutex, &mutex_attributes);
    pthread_mutexattr_destroy(&mutex_attributes);
    pthread_condattr_t condition_attributes;
    pthread_condattr_init(&condition_attributes);
    pthread_condattr_setpshared(&condition_attributes, PTHREAD_PROCESS_SHARED);
    failed |= pthread_cond_init(&queue->not_empty, &condition_attributes);
    failed |= pthread_cond_init(&queue->not_full, &condition_attributes);
    pthread_condattr_destroy(&condition_attributes);
    queue->capacity = capacity;
    queue->max_size = max_size;
    queue->stride = (4 + max_size + 7) & ~7u;
    queue->next_sequence = 1;
    for (uint32_t index = 0; index < capacity; index++) ipcb_pq_free(queue)[index] = index;
    return failed ? -1 : 0;
}

static int ipcb_pq_lock(ipcb_pq *queue) {
    int result = pthread_mutex_lock(&queue->mutex);
    if (result == EOWNERDEAD) return pthread_mutex_consistent(&queue->mutex);
    return result;
}

static int ipcb_pq_wait(pthread_cond_t *condition, ipcb_pq *queue) {
    int result = pthread_cond_wait(condition, &queue->mutex);
    if (result == EOWNERDEAD) return pthread_mutex_consistent(&queue->mutex);
    return result;
}

static int ipcb_pq_before(const ipcb_pq_entry *a, const ipcb_pq_entry *b) {
    return a->priority > b->priority || (a->priority == b->priority && a->sequence < b->sequence);
}

int ipcb_pq_send(void *region, const void *message, uint32_t length, uint32_t priority) {
    ipcb_pq *queue = region;
    if (length > queue->max_size || ipcb_pq_lock(queue) != 0) return -1;
    while (queue->count == queue->capacity) {
        if (ipcb_pq_wait(&queue->not_full, queue) != 0) return -1;
    }
    uint32_t count = queue->count;
    uint32_t slot = ipcb_pq_free(queue)[queue->capacity - 1 - count];
    char *bytes = ipcb_pq_slot(queue, slot);
    memcpy(bytes, &length, 4);
    memcpy(bytes + 4, message, length);
    ipcb_pq_entry entry = { priority, slot, queue->next_sequence++ };
    ipcb_pq_entry *heap = ipcb_pq_heap(queue);
    uint32_t position = count;
    while (position > 0) {
        uint32_t parent = (position - 1) / 2;
        if (!ipcb_pq_before(&entry, &heap[parent])) break;
        heap[position] = heap[parent];
        position = parent;
    }
    heap[position] = entry;
    queue->count = count + 1;
    pthread_cond_signal(&queue->not_empty);
    pthread_mutex_unlock(&queue->mutex);
    return 0;
}

int ipcb_pq_receive(void *region, void *message, uint32_t capacity, uint32_t *length, uint32_t *priority) {
    ipcb_pq *queue = region;
    if (ipcb_pq_lock(queue) != 0) return -1;
    while (queue->count == 0) {
        if (ipcb_pq_wait(&queue->not_empty, queue) != 0) return -1;
    }
    ipcb_pq_entry *heap = ipcb_pq_heap(queue);
    ipcb_pq_entry top = heap[0];
    char *bytes = ipcb_pq_slot(queue, top.slot);
    uint32_t size;
    memcpy(&size, bytes, 4);
    if (size > capacity) size = capacity;
    memcpy(message, bytes + 4, size);
    *length = size;
    *priority = top.priority;
    uint32_t count = --queue->count;
    ipcb_pq_entry last = heap[count];
    uint32_t position = 0;
    for (;;) {
        uint32_t child = 2 * position + 1;
        if (child >= count) break;
        if (child + 1 < count && ipcb_pq_before(&heap[child + 1], &heap[child])) child++;
        if (!ipcb_pq_before(&heap[child], &last)) break;
        heap[position] = heap[child];
        position = child;
    }
    heap[position] = last;
    ipcb_pq_free(queue)[queue->capacity - 1 - count] = top.slot;
    pthread_cond_signal(&queue->not_full);
    pthread_mutex_unlock(&queue->mutex);
    return 0;
}
