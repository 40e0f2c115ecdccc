#if os(Linux)
import Synchronization

/// The reader's blocking wait: spin briefly, then park on the low half of the tail.
///
/// The writer does not pay a sequentially consistent store per record for the parking
/// handshake: its side is a release store and a compiler barrier, and a reader going to sleep
/// supplies the processor barrier for both with ``AsymmetricFence/rareSide()`` (membarrier)
/// between announcing itself and re-reading the tail.
extension BroadcastReader {
    /// Waits until the tail moves from what the last peek saw, or `deadline` passes; returns
    /// whether it moved (or the reader still has copied records to look at).
    @usableFromInline
    mutating func recordArrives(until deadline: Deadline) -> Bool {
        if hasCopiedBytes { return true }
        let awaited = awaitedTail
        var spins = 0
        while true {
            if tail.pointee.load(ordering: .acquiring) != awaited { return true }
            if spins < ChannelWaiting.spinLimit {
                spins += 1
                CPU.relax()
                if spins & 255 == 0, deadline.hasPassed { return false }
                continue
            }
            if deadline.hasPassed || mapping.storage.wasTruncated { return false }
            mapping.recordParking.sleepOnce(until: deadline) { [tail] in
                BroadcastReader.stillAwaited(tail, awaited)
            }
        }
    }

    /// The waiter's check, after it announced itself: the asymmetric fence, then the tail.
    /// Returns the futex value to sleep on, or nil when the tail moved.
    static func stillAwaited(_ tail: UnsafeMutablePointer<Atomic<UInt64>>, _ awaited: UInt64) -> UInt32? {
        AsymmetricFence.rareSide()
        let observed = tail.pointee.load(ordering: .sequentiallyConsistent)
        return observed == awaited ? UInt32(truncatingIfNeeded: observed) : nil
    }

    /// Waits until a record may be available (blocking the thread).
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` if nothing arrived before `deadline`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public mutating func waitForRecord(until deadline: Deadline = .never) throws(InterprocessError) {
        if !recordArrives(until: deadline) { try QueueFailure.raise(timedOutError()) }
    }
}
#endif
