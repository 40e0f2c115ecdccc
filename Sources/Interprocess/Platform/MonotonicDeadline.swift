#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An absolute point on `CLOCK_MONOTONIC`, the clock every timed wait in the library uses:
/// waits never drift when retried after a signal, and wall-clock changes do not move them.
public struct MonotonicDeadline: Sendable, Hashable, Comparable {
    /// Nanoseconds since an unspecified start (the system boot on Linux).
    public var nanoseconds: UInt64

    /// A deadline at the given monotonic time.
    public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    /// The current monotonic time.
    public static var now: MonotonicDeadline {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return MonotonicDeadline(nanoseconds: UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec))
    }

    /// The deadline `duration` from now (a negative duration is now; a huge one saturates).
    public static func after(_ duration: Duration) -> MonotonicDeadline {
        let base = now
        guard duration > .zero else { return base }
        let (seconds, attoseconds) = duration.components
        // Both parts are non-negative here; anything past UInt64 nanoseconds saturates to `never`.
        let (wholeSeconds, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        let (delta, overflowed) = wholeSeconds.addingReportingOverflow(UInt64(attoseconds / 1_000_000_000))
        let (sum, wrapped) = base.nanoseconds.addingReportingOverflow(delta)
        return MonotonicDeadline(nanoseconds: overflow || overflowed || wrapped ? .max : sum)
    }

    /// A deadline that never comes.
    public static let never = MonotonicDeadline(nanoseconds: .max)

    /// Whether the deadline has passed.
    public var hasPassed: Bool { self != .never && MonotonicDeadline.now >= self }

    /// The earlier of two deadlines.
    public func earlier(than other: MonotonicDeadline) -> MonotonicDeadline { Swift.min(self, other) }

    /// Orders deadlines in time.
    public static func < (lhs: MonotonicDeadline, rhs: MonotonicDeadline) -> Bool {
        lhs.nanoseconds < rhs.nanoseconds
    }

    /// The deadline as a `timespec` for futex and other absolute-time waits.
    var timespecValue: timespec {
        timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
    }
}
