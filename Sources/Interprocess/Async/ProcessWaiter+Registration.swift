#if os(Linux)
/// What a one-time wait's check found.
enum WaiterPoll: Sendable {
    /// The wait is over: the task may proceed (a unit was taken for it, or its state changed).
    case proceed
    /// Nothing yet: sleep while the futex word holds this value (read before the check).
    case sleep(expecting: UInt32)
    /// The word kept changing under the check (a peer rewriting it): look again soon.
    case retry
    /// The memory the check reads was truncated under its mapping: end the wait with
    /// ``ParkingOutcome/truncated`` (it could never proceed).
    case truncated
}

/// What a standing watch (a readiness descriptor) sees on each look.
struct WatchObservation: Sendable {
    /// The futex word's value, read before the rest.
    var word: UInt32
    /// Whether the watched side may proceed now (records to receive, room to send).
    var ready: Bool
    /// A value that changes whenever readiness may have changed (a new record, a release):
    /// the descriptor is signalled once per value seen ready.
    var progress: WatchProgress
}

/// A watch's progress value: an index and the word that says what is at it.
struct WatchProgress: Equatable, Sendable {
    var index: UInt64
    var state: UInt64
    init(_ index: UInt64, _ state: UInt64) {
        self.index = index
        self.state = state
    }
}

/// One registered wait or watch.
struct Registration: Sendable {
    /// The futex word and waiter count; the registration counts as a waiter while it exists.
    let parking: FutexParking
    /// When a one-time wait gives up (a watch has none).
    let deadline: Deadline
    var kind: Kind

    enum Kind: Sendable {
        /// An async wait: `check` runs on the waiter thread; the continuation is resumed once.
        case once(check: @Sendable () -> WaiterPoll, continuation: CheckedContinuation<ParkingOutcome, Never>)
        /// A readiness descriptor: stays until removed; signals `descriptor` when `observe` sees
        /// the side ready with a progress value not signalled yet.
        case watch(observe: @Sendable () -> WatchObservation, descriptor: Int32, signalled: WatchProgress?)
    }
}

extension FutexParking {
    /// A check for a word that is the state itself (a semaphore's count, an event's state): reads
    /// the word, then tries `attempt`, a few times while it reports ``ParkingAttempt/retry``.
    /// With a guarded `truncation` slot, a check that finds nothing to take ends the wait as
    /// ``WaiterPoll/truncated`` once that mapping's file was shrunk (the waiter thread looks
    /// at least every ``recheckInterval``).
    func attemptCheck(
        truncation: TruncationGuard.Slot = .unguarded, _ attempt: @escaping @Sendable (UInt32) -> ParkingAttempt
    ) -> @Sendable () -> WaiterPoll {
        let word = self.word
        return { [word = UnsafeSendable(word)] in
            for _ in 0..<64 {
                let seen = word.value.pointee.load(ordering: .sequentiallyConsistent)
                switch attempt(seen) {
                case .acquired: return .proceed
                case .wait: return TruncationGuard.faults(truncation) != 0 ? .truncated : .sleep(expecting: seen)
                case .retry: continue
                }
            }
            return .retry
        }
    }

    /// A check for a wake-up sequence word: reads the word, then asks `stillBlocked` (sequentially
    /// consistent loads of the state). With a guarded `truncation` slot, a wait still blocked
    /// ends as ``WaiterPoll/truncated`` once that mapping's file was shrunk.
    func blockedCheck(
        truncation: TruncationGuard.Slot = .unguarded, _ stillBlocked: @escaping @Sendable () -> Bool
    ) -> @Sendable () -> WaiterPoll {
        let word = self.word
        return { [word = UnsafeSendable(word)] in
            let seen = word.value.pointee.load(ordering: .sequentiallyConsistent)
            guard stillBlocked() else { return .proceed }
            return TruncationGuard.faults(truncation) != 0 ? .truncated : .sleep(expecting: seen)
        }
    }
}

/// A pointer (or other value) into shared memory handed to the waiter thread. Every access
/// through it is atomic, and the registration holding it ends before the memory is unmapped.
struct UnsafeSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
#endif
