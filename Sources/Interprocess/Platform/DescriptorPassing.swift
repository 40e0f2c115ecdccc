#if os(Linux)
import CInterprocessShim

/// Descriptors sent over Unix domain sockets (`SCM_RIGHTS`), whose `CMSG_*` macros Swift
/// cannot import.
enum DescriptorPassing {
    /// Sends `descriptor` over the connected `socket`. Returns 0, or -1 with errno.
    static func send(_ descriptor: Int32, over socket: Int32) -> Int32 {
        ipc_send_descriptor(socket, descriptor)
    }

    /// Receives one descriptor (close-on-exec) from `socket`. Returns it, or -1 with errno:
    /// `EBADMSG` when the message carried none, `ECONNRESET` when the peer closed the socket.
    static func receive(from socket: Int32) -> Int32 {
        ipc_receive_descriptor(socket)
    }
}
#endif
