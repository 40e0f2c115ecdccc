#if os(Linux)
import CInterprocessShim

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An event listener's wake socket: a datagram socket in the abstract namespace named after a
/// 64-bit nonce, which notifiers send one byte to when the listener sits in a wait set. The
/// byte carries nothing (the event ids live in shared memory): a lost or refused datagram loses
/// no event, only a wake-up that the wait set's periodic recheck makes up for.
enum WakeSocket {
    /// A socket bound to `nonce`'s address (a sender, unbound, for nonce 0).
    static func make(nonce: UInt64, operation: String, name: String?) throws(InterprocessError) -> Int32 {
        try checkedValue(operation, name: name, reason: "could not make an event wake socket") { ipc_wake_socket_create(nonce) }
    }

    /// What a send found.
    enum Delivery {
        case sent
        /// Nobody is bound to the address (the listener's process is gone), or its buffer is full.
        case refused
        case failed
    }

    /// Sends one byte from `sender` to `nonce`'s socket; never blocks, never allocates.
    @inline(__always)
    static func send(from sender: Int32, to nonce: UInt64) -> Delivery {
        let result = ipc_wake_socket_send(sender, nonce)
        if result == 0 { return .sent }
        return result == -ECONNREFUSED || result == -ENOENT ? .refused : (result == -EAGAIN ? .sent : .failed)
    }

    /// Reads the waiting datagram (one per arming: the socket is then no longer readable).
    static func drain(_ socket: Int32) {
        _ = ipc_wake_socket_drain(socket)
    }
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
