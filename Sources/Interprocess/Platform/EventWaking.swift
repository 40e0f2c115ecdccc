#if os(Linux)
import CInterprocessShim
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A wait set's wake socket: a datagram socket in the abstract namespace named after a 64-bit
/// nonce, which notifiers send a listener's 8-byte tag to when the listener is armed. The tag
/// only says where to look (the event ids live in shared memory): a lost or refused datagram
/// loses no event, only a wake-up that the wait set's recheck makes up for.
enum WakeSocket {
    /// A socket bound to `nonce`'s address (a sender, unbound, for nonce 0).
    static func make(nonce: UInt64, operation: String, name: String?) throws(InterprocessError) -> Int32 {
        try checkedValue(operation, name: name, reason: "could not make an event wake socket") { ipc_wake_socket_create(nonce) }
    }

    /// The process's shared unbound sender socket, made once and never closed (-1 when it
    /// could not be made; notifiers then send from their own). Like every library's
    /// descriptor, it must not be closed by code that did not open it.
    static let sharedSender: Int32 = ipc_wake_socket_create(0)

    /// Until when (monotonic ns) notifiers send from their own sockets because the shared one's
    /// buffer was found full; 0 when it was not.
    static let sharedSenderFullUntil = Atomic<UInt64>(0)

    /// How long notifiers skip a shared sender found full before they try it again.
    static let sharedSenderBackoff: UInt64 = 10_000_000

    /// What a send found.
    enum Delivery {
        case sent
        /// Nobody is bound to the address (the wait set's process is gone).
        case refused
        /// The wait set's socket holds as many datagrams as the system allows: this one is
        /// lost, and the wait set, which reads that many at once, will look at every listener.
        case full
        case failed
    }

    /// Sends `tag` from `sender` to `nonce`'s socket; never blocks, never allocates.
    @inline(__always)
    static func send(from sender: Int32, to nonce: UInt64, tag: UInt64) -> Delivery {
        let result = ipc_wake_socket_send(sender, nonce, tag)
        if result == 0 { return .sent }
        if result == -ECONNREFUSED || result == -ENOENT { return .refused }
        return result == -EAGAIN ? .full : .failed
    }

    /// Reads the waiting datagrams' tags into `tags` (up to `capacity`, at most 32), never
    /// blocking; returns how many. A tag of 0 came in a datagram no notifier sends.
    static func receive(_ socket: Int32, into tags: UnsafeMutablePointer<UInt64>, capacity: Int) -> Int {
        Int(ipc_wake_socket_receive(socket, tags, Int32(clamping: capacity)))
    }

    /// How many datagrams a socket queues before senders are refused (`net.unix.max_dgram_qlen`,
    /// read once; the kernel lets one more in): a wait set that reads this many at once may
    /// have missed some, and looks at every listener.
    static let queueLimit: Int = {
        guard case .success(let bytes) = ProcFiles.read("/proc/sys/net/unix/max_dgram_qlen", limit: 32),
              let value = Int(String(decoding: bytes.prefix { $0 >= 0x30 && $0 <= 0x39 }, as: UTF8.self)),
              value > 0, value < 1 << 20
        else { return 10 }  // unreadable, or a value the kernel would not hold: the usual default
        return value
    }()
}

/// `epoll(7)`, through the shim (Swift does not import the packed `epoll_event`): each
/// registered descriptor carries a 64-bit token, which a wait hands back.
enum Epoll {
    static func make(operation: String) throws(InterprocessError) -> Int32 {
        try checkedValue(operation, reason: "epoll_create1 failed") { ipc_epoll_create() }
    }

    /// Adds `descriptor` for reading; with `oneShot`, it reports once, then waits to be re-added.
    static func add(_ descriptor: Int32, to epoll: Int32, token: UInt64, oneShot: Bool = false, operation: String) throws(InterprocessError) {
        try checkedCall(operation, reason: "epoll_ctl could not add descriptor \(descriptor)") {
            ipc_epoll_add(epoll, descriptor, token, oneShot ? 1 : 0)
        }
    }

    static func remove(_ descriptor: Int32, from epoll: Int32) {
        _ = ipc_epoll_remove(epoll, descriptor)
    }

    /// Waits up to `deadline` (rounded up to the millisecond) and writes the ready tokens to
    /// `tokens` (at most 64); returns how many (0 on timeout or a signal).
    static func wait(_ epoll: Int32, tokens: UnsafeMutablePointer<UInt64>, capacity: Int, until deadline: Deadline) -> Int {
        if deadline.nanoseconds == 0 { return poll(epoll, tokens: tokens, capacity: capacity) }
        var milliseconds: Int32 = -1
        if let remaining = deadline.remaining {
            let (seconds, attoseconds) = remaining.components
            let total = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
            milliseconds = Int32(clamping: total)
        }
        let count = ipc_epoll_wait(epoll, tokens, Int32(clamping: capacity), milliseconds)
        return count > 0 ? Int(count) : 0
    }
}

extension Epoll {
    /// The ready tokens now, without sleeping (and without reading the clock).
    static func poll(_ epoll: Int32, tokens: UnsafeMutablePointer<UInt64>, capacity: Int) -> Int {
        let count = ipc_epoll_wait(epoll, tokens, Int32(clamping: capacity), 0)
        return count > 0 ? Int(count) : 0
    }
}

/// A `timerfd` on `CLOCK_MONOTONIC`: readable once it expires; reading it returns how many times.
enum TimerDescriptor {
    static func make(after delay: Duration, every interval: Duration?, operation: String) throws(InterprocessError) -> Int32 {
        let descriptor = try checkedValue(operation, reason: "timerfd_create failed") { ipc_timerfd_create() }
        do throws(InterprocessError) {
            try checkedCall(operation, reason: "timerfd_settime failed") {
                ipc_timerfd_set(descriptor, nanoseconds(delay), interval.map(nanoseconds) ?? 0)
            }
        } catch {
            close(descriptor)
            throw error
        }
        return descriptor
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : whole &+ attoseconds / 1_000_000_000
    }

    /// How many expirations happened since the last read (0 when none, never blocks).
    static func expirations(_ descriptor: Int32) -> UInt64 {
        EventDescriptor.drain(descriptor)
    }
}
#endif
