// The C++ side of libsharedmemory (kyr0/libsharedmemory) reimplemented in C from its documented
// layouts (docs/FORMAT.md, "libsharedmemory streams"), so that the tests can check this library's
// LegacyStream against an independent implementation in another process. It does what the C++
// SharedMemoryWriteStream / SharedMemoryReadStream do, in their order, with their quirks (1.x
// indexes the size and the data in units of the element type).
//
//   legacy-peer create NAME SIZE                 shm_unlink + shm_open(O_CREAT, 0777) + ftruncate
//   legacy-peer write 1|2 NAME string TEXT       write a string
//   legacy-peer write 1|2 NAME float|double V... write an array
//   legacy-peer read 1|2 NAME                    print "none", "string TEXT" or "float|double V..."
//   legacy-peer status NAME                      print "unread" or "read" (2.x: ack != revision)
//   legacy-peer hold-lock NAME                   set the 2.x lock word, print "held", sleep
//   legacy-peer qcreate NAME CAPACITY MAX        a 2.x queue: header, then CAPACITY slots
//   legacy-peer qsend NAME MESSAGE...            enqueue each; print "sent N" (N sent before full)
//   legacy-peer qrecv NAME                       dequeue all; one line each, then "end"
//   legacy-peer qhold NAME producer|consumer     set that lock word, print "held", sleep
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

enum { CHANGED = 1, STRING = 2, FLOAT = 4, DOUBLE = 8 };

static unsigned char *map(const char *name, size_t *size) {
    char path[256];
    snprintf(path, sizeof path, "/%s", name);
    int fd = shm_open(path, O_RDWR, 0);
    if (fd < 0) { perror("shm_open"); exit(2); }
    struct stat st;
    if (fstat(fd, &st) != 0) { perror("fstat"); exit(2); }
    *size = (size_t)st.st_size;
    void *base = mmap(NULL, *size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (base == MAP_FAILED) { perror("mmap"); exit(2); }
    close(fd);
    return base;
}

static uint32_t *word(unsigned char *base, size_t offset) { return (uint32_t *)(base + offset); }

static void lock(unsigned char *base) {
    uint32_t expected = 0;
    while (!__atomic_compare_exchange_n(word(base, 16), &expected, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) expected = 0;
}

static void unlock(unsigned char *base) { __atomic_store_n(word(base, 16), 0, __ATOMIC_RELEASE); }

// Where the size and the data are: 2.x at 12 and 20; 1.x at one and five elements of the type.
static void offsets(int version, int type, size_t *size, size_t *data) {
    if (version == 2) { *size = 12; *data = 20; return; }
    size_t unit = type == FLOAT ? 4 : type == DOUBLE ? 8 : 1;
    *size = unit;
    *data = unit * 5;
}

static int write_value(int version, const char *name, const char *type_name, int count, char **values) {
    size_t size;
    unsigned char *base = map(name, &size);
    int type = strcmp(type_name, "string") == 0 ? STRING : strcmp(type_name, "float") == 0 ? FLOAT : DOUBLE;
    unsigned char payload[65536];
    uint32_t bytes = 0;
    if (type == STRING) {
        bytes = (uint32_t)strlen(values[0]);
        memcpy(payload, values[0], bytes);
    } else {
        for (int i = 0; i < count; i++) {
            if (type == FLOAT) { float v = strtof(values[i], NULL); memcpy(payload + bytes, &v, 4); bytes += 4; }
            else { double v = strtod(values[i], NULL); memcpy(payload + bytes, &v, 8); bytes += 8; }
        }
    }
    size_t size_at, data_at;
    offsets(version, type, &size_at, &data_at);
    if (data_at + bytes > size) { fprintf(stderr, "value too large\n"); return 2; }
    if (version == 2) lock(base);
    unsigned char flags = (unsigned char)(type | ((base[0] & CHANGED) ? 0 : CHANGED));
    base[0] = flags;                                   // the C++ writer: flags, size, data
    memcpy(base + size_at, &bytes, 4);
    memcpy(base + data_at, payload, bytes);
    if (version == 2) {
        __atomic_add_fetch(word(base, 4), 1, __ATOMIC_RELAXED);   // revision
        unlock(base);
    }
    printf("written\n");
    return 0;
}

static int read_value(int version, const char *name) {
    size_t size;
    unsigned char *base = map(name, &size);
    if (version == 2) lock(base);
    int type = base[0] & (STRING | FLOAT | DOUBLE);
    if (type == 0) {
        if (version == 2) unlock(base);
        printf("none\n");
        return 0;
    }
    size_t size_at, data_at;
    offsets(version, type, &size_at, &data_at);
    uint32_t bytes;
    memcpy(&bytes, base + size_at, 4);
    if (data_at + bytes > size) { if (version == 2) unlock(base); fprintf(stderr, "size past the end\n"); return 3; }
    unsigned char *copy = malloc(bytes + 1);
    memcpy(copy, base + data_at, bytes);
    if (version == 2) {
        __atomic_store_n(word(base, 8), __atomic_load_n(word(base, 4), __ATOMIC_RELAXED), __ATOMIC_RELAXED);  // ack = revision
        unlock(base);
    }
    if (type == STRING) {
        copy[bytes] = 0;
        printf("string %s\n", (char *)copy);
    } else if (type == FLOAT) {
        printf("float");
        for (uint32_t i = 0; i < bytes / 4; i++) { float v; memcpy(&v, copy + 4 * i, 4); printf(" %.9g", v); }
        printf("\n");
    } else {
        printf("double");
        for (uint32_t i = 0; i < bytes / 8; i++) { double v; memcpy(&v, copy + 8 * i, 8); printf(" %.17g", v); }
        printf("\n");
    }
    free(copy);
    return 0;
}

// The 2.x queue: writeIndex @0, readIndex @4, capacity @8, count @12, maxMessageSize @16,
// producerLock @20, consumerLock @24, then slots of a uint32 length and maxMessageSize bytes.
static void spin_lock(uint32_t *word) {
    uint32_t expected = 0;
    while (!__atomic_compare_exchange_n(word, &expected, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) expected = 0;
}

static int queue_send(const char *name, int count, char **messages) {
    size_t size;
    unsigned char *base = map(name, &size);
    uint32_t capacity = *word(base, 8), maximum = *word(base, 16);
    int sent = 0;
    for (; sent < count; sent++) {
        uint32_t length = (uint32_t)strlen(messages[sent]);
        if (length > maximum) { fprintf(stderr, "message too long\n"); return 2; }
        spin_lock(word(base, 20));
        if (__atomic_load_n(word(base, 12), __ATOMIC_ACQUIRE) >= capacity) { __atomic_store_n(word(base, 20), 0, __ATOMIC_RELEASE); break; }
        uint32_t index = *word(base, 0);
        unsigned char *slot = base + 28 + (size_t)index * (4 + maximum);
        memcpy(slot, &length, 4);
        memcpy(slot + 4, messages[sent], length);
        *word(base, 0) = (index + 1) % capacity;
        __atomic_add_fetch(word(base, 12), 1, __ATOMIC_RELEASE);
        __atomic_store_n(word(base, 20), 0, __ATOMIC_RELEASE);
    }
    printf("sent %d\n", sent);
    return 0;
}

static int queue_receive(const char *name) {
    size_t size;
    unsigned char *base = map(name, &size);
    uint32_t capacity = *word(base, 8), maximum = *word(base, 16);
    for (;;) {
        spin_lock(word(base, 24));
        if (__atomic_load_n(word(base, 12), __ATOMIC_ACQUIRE) == 0) { __atomic_store_n(word(base, 24), 0, __ATOMIC_RELEASE); break; }
        uint32_t index = *word(base, 4), length;
        unsigned char *slot = base + 28 + (size_t)index * (4 + maximum);
        memcpy(&length, slot, 4);
        if (length > maximum) { fprintf(stderr, "bad length\n"); return 3; }
        printf("%.*s\n", (int)length, (char *)slot + 4);
        *word(base, 4) = (index + 1) % capacity;
        __atomic_sub_fetch(word(base, 12), 1, __ATOMIC_RELEASE);
        __atomic_store_n(word(base, 24), 0, __ATOMIC_RELEASE);
    }
    printf("end\n");
    return 0;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc >= 4 && strcmp(argv[1], "create") == 0) {
        char path[256];
        snprintf(path, sizeof path, "/%s", argv[2]);
        shm_unlink(path);
        mode_t old = umask(0);
        int fd = shm_open(path, O_CREAT | O_RDWR, 0777);
        umask(old);
        if (fd < 0 || ftruncate(fd, atol(argv[3])) != 0) { perror("create"); return 2; }
        close(fd);
        printf("created\n");
        return 0;
    }
    if (argc >= 6 && strcmp(argv[1], "write") == 0) return write_value(atoi(argv[2]), argv[3], argv[4], argc - 5, argv + 5);
    if (argc == 4 && strcmp(argv[1], "read") == 0) return read_value(atoi(argv[2]), argv[3]);
    if (argc == 3 && strcmp(argv[1], "status") == 0) {
        size_t size;
        unsigned char *base = map(argv[2], &size);
        printf("%s\n", __atomic_load_n(word(base, 4), __ATOMIC_ACQUIRE) != __atomic_load_n(word(base, 8), __ATOMIC_RELAXED) ? "unread" : "read");
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "hold-lock") == 0) {
        size_t size;
        unsigned char *base = map(argv[2], &size);
        lock(base);
        printf("held\n");
        for (;;) pause();
    }
    if (argc == 5 && strcmp(argv[1], "qcreate") == 0) {
        char path[256];
        snprintf(path, sizeof path, "/%s", argv[2]);
        shm_unlink(path);
        uint32_t capacity = (uint32_t)atol(argv[3]), maximum = (uint32_t)atol(argv[4]);
        mode_t old = umask(0);
        int fd = shm_open(path, O_CREAT | O_RDWR, 0777);
        umask(old);
        size_t size = 28 + (size_t)capacity * (4 + maximum);
        if (fd < 0 || ftruncate(fd, (off_t)size) != 0) { perror("qcreate"); return 2; }
        close(fd);
        unsigned char *base = map(argv[2], &size);
        *word(base, 8) = capacity;
        *word(base, 16) = maximum;
        printf("created\n");
        return 0;
    }
    if (argc >= 4 && strcmp(argv[1], "qsend") == 0) return queue_send(argv[2], argc - 3, argv + 3);
    if (argc == 3 && strcmp(argv[1], "qrecv") == 0) return queue_receive(argv[2]);
    if (argc == 4 && strcmp(argv[1], "qhold") == 0) {
        size_t size;
        unsigned char *base = map(argv[2], &size);
        spin_lock(word(base, strcmp(argv[3], "producer") == 0 ? 20 : 24));
        printf("held\n");
        for (;;) pause();
    }
    fprintf(stderr, "usage: see the comment at the top of main.c\n");
    return 64;
}
