#define _GNU_SOURCE
#include "CInterprocessShim.h"

#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

int ipc_send_descriptor(int socket, int descriptor) {
    char payload = 'F';
    struct iovec iov = { .iov_base = &payload, .iov_len = 1 };
    union {
        struct cmsghdr header;
        char bytes[CMSG_SPACE(sizeof(int))];
    } control;
    memset(&control, 0, sizeof(control));

    struct msghdr message;
    memset(&message, 0, sizeof(message));
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    message.msg_control = control.bytes;
    message.msg_controllen = sizeof(control.bytes);

    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&message);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &descriptor, sizeof(int));

    ssize_t sent;
    do {
        sent = sendmsg(socket, &message, MSG_NOSIGNAL);
    } while (sent < 0 && errno == EINTR);
    return sent < 0 ? -1 : 0;
}

int ipc_receive_descriptor(int socket) {
    char payload = 0;
    struct iovec iov = { .iov_base = &payload, .iov_len = 1 };
    union {
        struct cmsghdr header;
        char bytes[CMSG_SPACE(sizeof(int))];
    } control;
    memset(&control, 0, sizeof(control));

    struct msghdr message;
    memset(&message, 0, sizeof(message));
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    message.msg_control = control.bytes;
    message.msg_controllen = sizeof(control.bytes);

    ssize_t received;
    do {
        received = recvmsg(socket, &message, MSG_CMSG_CLOEXEC);
    } while (received < 0 && errno == EINTR);
    if (received < 0) return -1;
    if (received == 0) { errno = ECONNRESET; return -1; }

    // The kernel installs every descriptor that arrives (CMSG_SPACE rounds up, so a message may
    // carry two): accept exactly one and close any others, so that a peer cannot leak ours away.
    int accepted = -1;
    int count = 0;
    for (struct cmsghdr *cmsg = CMSG_FIRSTHDR(&message); cmsg != NULL; cmsg = CMSG_NXTHDR(&message, cmsg)) {
        if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS) continue;
        size_t n = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < n; i++) {
            int descriptor;
            memcpy(&descriptor, CMSG_DATA(cmsg) + i * sizeof(int), sizeof(int));
            if (count++ == 0) accepted = descriptor; else close(descriptor);
        }
    }
    if (count == 1) return accepted;
    if (accepted >= 0) close(accepted);
    errno = (message.msg_flags & MSG_CTRUNC) ? EMSGSIZE : EBADMSG;
    return -1;
}
