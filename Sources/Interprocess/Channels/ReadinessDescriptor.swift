#if os(Linux)
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A file descriptor (an `eventfd`) that becomes readable when a queue endpoint may proceed —
/// records to receive, or room to send — so that a queue plugs into `poll(2)`, `epoll` or an
/// event loop such as SwiftNIO's.
///
/// ```swift
/// let readiness = try consumer.makeReadinessDescriptor()
/// var entry = pollfd(fd: readiness.fileDescriptor, events: Int16(POLLIN), revents: 0)
/// while poll(&entry, 1, -1) >= 0 {
///     readiness.clear()                                   // first clear, then drain
///     while let count = try consumer.tryReceive(into: buffer) { handle(buffer.prefix(count)) }
/// }
/// ```
///
/// ## Semantics: edge-triggered on progress, level at the start
///
/// The process's waiter thread (see ``ProcessWaiter``) watches the queue's futex word and
/// signals the descriptor when the side is ready *and* the queue made progress it has not
/// signalled yet (a new record published, for a consumer; a record released, for a producer).
/// A descriptor made while the side is ready is readable at once. Once readable it stays so
/// until ``clear()`` reads it back. To never miss a record: **clear, then drain** with the
/// non-blocking forms until they find nothing. A record published after the clear signals the
/// descriptor again; one published before it is drained. A readable descriptor is a hint: another
/// consumer of an MPMC queue may have taken the record first.
///
/// A wake-up lost to a process killed between its publish and its `FUTEX_WAKE` delays the
/// signal by at most ``ProcessWaiter/recheckInterval`` (20 ms).
///
/// ## Cost
///
/// While the descriptor exists it counts as a parked waiter on its side of the queue, so the
/// other side makes a `FUTEX_WAKE` system call on every publish (or release), as it would for
/// a blocked endpoint. The descriptor keeps the queue's mapping alive (the one its queue value
/// and endpoints share), so the waiter thread never reads memory that was unmapped: it may
/// outlive the endpoint it was made from. Sharing that mapping also means its sleeping flag is
/// the endpoint's own word, so an async wait of the endpoint that ends never clears the flag
/// the descriptor relies on.
public struct ReadinessDescriptor: ~Copyable {
    /// The descriptor to watch for reading (`POLLIN`, `EPOLLIN`). Owned: closed when this value
    /// goes away; don't close it yourself.
    public let fileDescriptor: Int32
    private let watch: UInt64
    /// The mapping watched (a queue's, a service's), kept for the waiter thread's reads.
    private let storage: AnyObject

    /// Makes an eventfd and registers a watch on the queue mapped by `storage`: `configure` is
    /// given the body's address and returns the parking words and the look.
    init(
        storage: QueueStorage, operation: String,
        configure: (UnsafeMutableRawPointer) -> (FutexParking, @Sendable () -> WatchObservation)
    ) throws(InterprocessError) {
        try self.init(keeping: storage, base: storage.body.baseAddress!, name: storage.name, operation: operation, configure: configure)
    }

    /// Makes an eventfd and registers a watch on the mapping at `base`, which `owner` keeps alive.
    init(
        keeping owner: AnyObject, base: UnsafeMutableRawPointer, name: String, operation: String,
        configure: (UnsafeMutableRawPointer) -> (FutexParking, @Sendable () -> WatchObservation)
    ) throws(InterprocessError) {
        let storage = owner
        let (parking, observe) = configure(base)
        let descriptor = try EventDescriptor.make(operation: operation, name: name)
        do {
            watch = try ProcessWaiter.shared.addWatch(on: parking, descriptor: descriptor, operation: operation,
                                                      name: name, observe: observe)
        } catch {
            close(descriptor)
            throw error
        }
        fileDescriptor = descriptor
        self.storage = storage
    }

    deinit {
        // First the watch (after this the waiter thread touches neither the descriptor nor the
        // mapping), then the descriptor; the mapping goes last, with the stored properties.
        ProcessWaiter.shared.removeWatch(watch)
        close(fileDescriptor)
    }

    /// Reads the descriptor back to not readable. Call it before draining the queue (see the
    /// type's documentation). Never blocks.
    public func clear() {
        EventDescriptor.drain(fileDescriptor)
    }
}
#endif
