#if os(Linux)
public import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension ManagedSegment {
    /// The descriptor of the file behind the segment, owned by this handle (don't close it).
    ///
    /// An anonymous segment (``anonymous(size:maximumSize:)``) has no name to open it by: hand
    /// this descriptor to another process — inherited by a child (`dup` it without
    /// `FD_CLOEXEC`), or sent with ``send(over:)`` — which attaches with
    /// ``init(adopting:)`` or ``init(receivingFrom:)``.
    public var descriptor: FileDescriptor { FileDescriptor(rawValue: attachment.storage.descriptor) }

    /// Sends the segment's descriptor over a connected Unix domain socket (`SCM_RIGHTS`), so
    /// that the process at the other end can attach with ``init(receivingFrom:)``.
    ///
    /// ```swift
    /// let heap = try ManagedSegment.anonymous(size: 16 << 20)
    /// try heap.send(over: connection)                   // in the creating process
    /// let same = try ManagedSegment(receivingFrom: socket)  // in the other
    /// ```
    ///
    /// - Throws: ``InterprocessError`` with the system's code when the socket refuses it.
    public func send(over socket: FileDescriptor) throws(InterprocessError) {
        try checkedCall("send managed segment", name: "socket \(socket.rawValue)") {
            DescriptorPassing.send(attachment.storage.descriptor, over: socket.rawValue)
        }
    }

    /// Attaches to the managed segment behind a descriptor another process handed over (an
    /// anonymous segment's, typically), taking ownership of the descriptor: it is closed, also
    /// when this throws. The segment stays alive while any process maps it. This process takes
    /// a lock of its own on the segment (so that the creator's `shrinkToFit()` waits for it) by
    /// reopening the descriptor; a segment of another user whose mode forbids that is used
    /// through the received descriptor, sharing the sender's lock.
    ///
    /// - Throws: ``InterprocessError/Code/wrongKind`` or `foreignSegment` when the file is not a
    ///   managed segment; `incompatibleVersion`, `corrupt`, `truncated` for a broken one.
    public convenience init(adopting descriptor: FileDescriptor) throws(InterprocessError) {
        try self.init(ManagedAttachment.adopt(descriptor.rawValue), name: "anonymous")
    }

    /// Receives a managed segment's descriptor sent with ``send(over:)`` from a connected Unix
    /// domain socket and attaches to it.
    ///
    /// - Throws: ``InterprocessError/Code/peerDied`` if the sender closed the socket first,
    ///   `corrupt` if the message carried no descriptor, and as ``init(adopting:)``.
    public convenience init(receivingFrom socket: FileDescriptor) throws(InterprocessError) {
        let received = try DescriptorPassing.receive(from: socket.rawValue, operation: "receive managed segment")
        try self.init(adopting: FileDescriptor(rawValue: received))
    }
}
#endif
