#if os(Linux)
import CInterprocessShim

/// Descriptors sent over Unix domain sockets (`SCM_RIGHTS`), whose `CMSG_*` macros Swift
/// cannot import.
enum DescriptorPassing {
    /// Sends `descriptor` over the connected `socket`. Returns 0, or -1 with errno.
    static func send(_ descriptor: Int32, over socket: Int32) -> Int32 {
        ipc_send_descriptor(socket, descriptor)
    }

    /// Receives one descriptor (close-on-exec) from `socket`, or throws what went wrong in `operation`'s words:
    /// `peerDied` when the sender closed the socket first, `corrupt` when the message carried
    /// no single descriptor.
    static func receive(from socket: Int32, operation: String) throws(InterprocessError) -> Int32 {
        let received = ipc_receive_descriptor(socket)
        guard received < 0 else { return received }
        let errno = currentErrno
        switch errno {
        case .connectionReset:
            throw InterprocessError(.peerDied, operation: operation, name: "socket \(socket)", errno: errno,
                                    reason: "the sender closed the socket without sending a descriptor")
        case .badMessage, .messageTooLong:
            throw InterprocessError(.corrupt, operation: operation, name: "socket \(socket)", errno: errno,
                                    reason: "the message carried no single descriptor")
        default:
            throw InterprocessError.system(errno, operation: operation, name: "socket \(socket)")
        }
    }
}
#endif
