#if os(Linux)
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The point in time by which a blocking call must return: the `until:` of every wait in the
/// library (its `timeout:` forms take a `Duration` and build one with ``after(_:)``).
///
/// A deadline is absolute, on `CLOCK_MONOTONIC`: a wait retried after a signal or a spurious
/// wake-up never drifts, and changes to the wall clock do not move it. Build one from a
/// duration, from a `ContinuousClock` instant, or use ``never``:
///
/// ```swift
/// try semaphore.wait(until: .after(.milliseconds(250)))
/// try consumer.receive(until: Deadline(ContinuousClock.now + .seconds(1)))
/// ```
///
/// Every call with a deadline throws ``InterprocessError/Code/timedOut`` when it passes, and
/// otherwise returns what the call without a deadline returns.
public struct Deadline: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Nanoseconds on `CLOCK_MONOTONIC` (since an unspecified start: the system boot on Linux).
    public var nanoseconds: UInt64

    /// A deadline at the given monotonic time.
    @inlinable
    public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    /// The deadline at a `ContinuousClock` instant.
    ///
    /// The two clocks may count from different origins (the continuous clock includes time the
    /// machine was suspended), so the instant is carried over by its distance from now.
    public init(_ instant: ContinuousClock.Instant) {
        self = .after(ContinuousClock.now.duration(to: instant))
    }

    /// The current monotonic time.
    public static var now: Deadline {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Deadline(nanoseconds: UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec))
    }

    /// The deadline `duration` from now (a negative duration is now; a huge one saturates to
    /// ``never``).
    public static func after(_ duration: Duration) -> Deadline {
        now.advanced(by: duration)
    }

    /// The deadline `duration` after this one (a negative duration is this one; past the end
    /// of UInt64 nanoseconds it saturates to ``never``).
    func advanced(by duration: Duration) -> Deadline {
        guard duration > .zero else { return self }
        let (seconds, attoseconds) = duration.components
        // Both parts are non-negative here; anything past UInt64 nanoseconds saturates to `never`.
        let (wholeSeconds, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        let (delta, overflowed) = wholeSeconds.addingReportingOverflow(UInt64(attoseconds / 1_000_000_000))
        let (sum, wrapped) = nanoseconds.addingReportingOverflow(delta)
        return Deadline(nanoseconds: overflow || overflowed || wrapped ? .max : sum)
    }

    /// A deadline that never comes.
    ///
    /// Computed, not a stored `static let`: a global constant of another module is reached
    /// through its lazy-initialization accessor, a call on every blocking send and receive.
    @inlinable
    public static var never: Deadline { Deadline(nanoseconds: .max) }

    /// Whether the deadline has passed.
    public var hasPassed: Bool { self != .never && Deadline.now >= self }

    /// The time left until the deadline: zero once it has passed, nil for ``never``.
    public var remaining: Duration? {
        guard self != .never else { return nil }
        let current = Deadline.now
        guard current < self else { return .zero }
        return .nanoseconds(Int64(clamping: nanoseconds &- current.nanoseconds))
    }

    /// The earlier of two deadlines.
    public func earlier(than other: Deadline) -> Deadline { Swift.min(self, other) }

    /// Orders deadlines in time.
    public static func < (lhs: Deadline, rhs: Deadline) -> Bool {
        lhs.nanoseconds < rhs.nanoseconds
    }

    /// "never", or how far away the deadline is: "in 1.5 s", "passed".
    public var description: String {
        guard let remaining else { return "never" }
        return remaining == .zero ? "passed" : "in \(remaining)"
    }

    /// The deadline as a `timespec` for futex and other absolute-time waits.
    var timespecValue: timespec {
        timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
    }
}
#endif
