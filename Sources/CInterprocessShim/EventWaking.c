#define _GNU_SOURCE
#include "CInterprocessShim.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <unistd.h>

// The abstract-namespace address of a wait set's wake socket: a fixed prefix and the wait
// set's 64-bit nonce, so that a nonce a hostile peer wrote into shared memory can only ever
// name another wait set's socket, never an unrelated service's.
static socklen_t ipc_wake_address(struct sockaddr_un *address, uint64_t nonce) {
    memset(address, 0, sizeof(*address));
    address->sun_family = AF_UNIX;
    int length = snprintf(address->sun_path + 1, sizeof(address->sun_path) - 1,
                          "swift-interprocess.event.%016llx", (unsigned long long)nonce);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + length);
}

int ipc_wake_socket_create(uint64_t nonce) {
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    if (nonce != 0) {
        struct sockaddr_un address;
        socklen_t length = ipc_wake_address(&address, nonce);
        if (bind(fd, (struct sockaddr *)&address, length) != 0) {
            int saved = errno;
            close(fd);
            errno = saved;
            return -1;
        }
    }
    return fd;
}

int ipc_wake_socket_send(int sender, uint64_t nonce, uint64_t tag) {
    struct sockaddr_un address;
    socklen_t length = ipc_wake_address(&address, nonce);
    ssize_t sent;
    do {
        sent = sendto(sender, &tag, sizeof(tag), MSG_DONTWAIT | MSG_NOSIGNAL, (struct sockaddr *)&address, length);
    } while (sent < 0 && errno == EINTR);
    return sent < 0 ? -errno : 0;
}

int ipc_wake_socket_receive(int fd, uint64_t *tags, int maximum) {
    // One recvmmsg for a whole batch: a wait set's socket collects the datagrams of all its
    // listeners, and a second call only to learn that the socket is empty would cost a system
    // call per wake-up.
    enum { batch = 32 };
    struct mmsghdr messages[batch];
    struct iovec vectors[batch];
    if (maximum > batch) maximum = batch;
    if (maximum <= 0) return 0;
    memset(messages, 0, sizeof(messages[0]) * (size_t)maximum);
    for (int index = 0; index < maximum; index++) {
        tags[index] = 0;
        vectors[index].iov_base = &tags[index];
        vectors[index].iov_len = sizeof(uint64_t);
        messages[index].msg_hdr.msg_iov = &vectors[index];
        messages[index].msg_hdr.msg_iovlen = 1;
    }
    int received;
    do {
        received = recvmmsg(fd, messages, (unsigned int)maximum, MSG_DONTWAIT, NULL);
    } while (received < 0 && errno == EINTR);
    if (received <= 0) return 0;
    // A datagram of another length (a peer's, or truncated) carries no tag: 0, "look at all".
    for (int index = 0; index < received; index++) {
        if (messages[index].msg_len != sizeof(uint64_t) || (messages[index].msg_hdr.msg_flags & MSG_TRUNC)) tags[index] = 0;
    }
    return received;
}

int ipc_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int ipc_epoll_add(int epoll, int fd, uint64_t token, int oneshot) {
    struct epoll_event event;
    memset(&event, 0, sizeof(event));
    event.events = EPOLLIN | (oneshot ? EPOLLONESHOT : 0);
    event.data.u64 = token;
    if (epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event) == 0) return 0;
    if (errno == EEXIST && oneshot) return epoll_ctl(epoll, EPOLL_CTL_MOD, fd, &event);
    return -1;
}

int ipc_epoll_remove(int epoll, int fd) { return epoll_ctl(epoll, EPOLL_CTL_DEL, fd, NULL); }

int ipc_epoll_wait(int epoll, uint64_t *tokens, int maximum, int timeout_ms) {
    struct epoll_event events[64];
    if (maximum > 64) maximum = 64;
    int count = epoll_wait(epoll, events, maximum, timeout_ms);
    for (int i = 0; i < count; i++) tokens[i] = events[i].data.u64;
    return count;
}

int ipc_timerfd_create(void) { return timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC); }

int ipc_timerfd_set(int fd, int64_t initial_ns, int64_t interval_ns) {
    struct itimerspec spec;
    memset(&spec, 0, sizeof(spec));
    if (initial_ns <= 0) initial_ns = 1;
    spec.it_value.tv_sec = initial_ns / 1000000000;
    spec.it_value.tv_nsec = initial_ns % 1000000000;
    spec.it_interval.tv_sec = interval_ns / 1000000000;
    spec.it_interval.tv_nsec = interval_ns % 1000000000;
    return timerfd_settime(fd, 0, &spec, NULL);
}
