// Probe: Boost.Interprocess `message_queue` on this machine, the comparison of issue 12's
// priority message queue (target: `interprocess bench --only message-queue` ≥ 2× this).
//
// The same shape as the bench's message-queue group: 8-byte messages with priorities 1-4 in
// turn, a queue of 256 messages, S sender processes pinned to CPU 0 and R receiver processes
// pinned to CPU 1; the last sender to finish sends one stop message (priority 0) per receiver.
// Prints messages per second (best of 3 rounds).
//
// Not part of any build. Needs Boost's headers (apt-get install libboost-dev g++):
//   g++ -O2 -o /tmp/boost-mq Benchmarks/probes/boost-message-queue.cpp -lpthread -lrt
//   /tmp/boost-mq 1 1 4000000 && /tmp/boost-mq 4 4 4000000
#include <boost/interprocess/ipc/message_queue.hpp>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

using namespace boost::interprocess;

static uint64_t now() {
    timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return uint64_t(t.tv_sec) * 1000000000ull + uint64_t(t.tv_nsec);
}

static void pin(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    sched_setaffinity(0, sizeof set, &set);
}

struct Shared {
    std::atomic<uint64_t> ready, go, sendersDone, end, received;
};

int main(int argc, char **argv) {
    int senders = argc > 1 ? atoi(argv[1]) : 1, receivers = argc > 2 ? atoi(argv[2]) : 1;
    uint64_t total = argc > 3 ? strtoull(argv[3], nullptr, 10) : 4000000;
    uint64_t perSender = total / senders;
    const char *name = "ipc-probe-boost-mq";
    double best = 0;
    for (int round = 0; round < 3; round++) {
        message_queue::remove(name);
        message_queue queue(create_only, name, 256, 8);
        auto *shared = static_cast<Shared *>(mmap(nullptr, sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
        new (shared) Shared{};
        for (int index = 0; index < senders + receivers; index++) {
            if (fork() != 0) continue;
            bool sends = index < senders;
            pin(sends ? 0 : 1);
            message_queue mine(open_only, name);
            shared->ready++;
            while (shared->go.load() == 0) usleep(50);
            if (sends) {
                for (uint64_t value = 0; value < perSender; value++) mine.send(&value, 8, unsigned(value & 3) + 1);
                if (++shared->sendersDone == uint64_t(senders)) {
                    uint64_t stop = UINT64_MAX;
                    for (int r = 0; r < receivers; r++) mine.send(&stop, 8, 0);
                }
            } else {
                uint64_t value, count = 0;
                message_queue::size_type length;
                unsigned priority;
                for (;;) {
                    mine.receive(&value, 8, length, priority);
                    if (value == UINT64_MAX) break;
                    count++;
                }
                shared->received += count;
                uint64_t t = now(), seen = shared->end.load();
                while (t > seen && !shared->end.compare_exchange_weak(seen, t)) {}
            }
            _exit(0);
        }
        while (shared->ready.load() < uint64_t(senders + receivers)) usleep(1000);
        uint64_t start = now();
        shared->go = 1;
        while (wait(nullptr) > 0) {}
        double rate = double(shared->received.load()) / (double(shared->end.load() - start) / 1e9);
        if (rate > best) best = rate;
        munmap(shared, sizeof(Shared));
    }
    message_queue::remove(name);
    printf("boost message_queue %d x %d, 8 B: %.2f M msg/s (best of 3)\n", senders, receivers, best / 1e6);
    return 0;
}
