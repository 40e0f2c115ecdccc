#if os(Linux)
import Synchronization

/// Back-pressure for `.block` subscribers: before publishing sequence `s` the publisher needs
/// every live `.block` subscriber's cursor above `s - bufferCapacity`. It caches the lowest
/// cursor (``Publisher/gateLimit``) and scans the subscriber table only when the cache does not
/// allow `s` or the membership counter moved (Disruptor's gating cache), so a send's cost does
/// not grow with the number of subscribers.
extension Publisher {
    /// Refreshes the gating cache; waits (until `deadline`) while a `.block` subscriber is a
    /// full buffer behind. Returns false, without waiting, when `deadline` is nil.
    ///
    /// - Throws: `.timedOut` when the deadline passes first.
    @usableFromInline
    mutating func gate(until deadline: Deadline?) throws(InterprocessError) -> Bool {
        var spins = 0
        while true {
            if refreshGate() { return true }
            guard let deadline else { return false }
            if deadline.hasPassed {
                throw service.storage.judged(InterprocessError(.timedOut, operation: "send to service", name: service.name,
                                                               reason: "a .block subscriber stayed \(service.configuration.bufferCapacity) samples behind until the deadline"))
            }
            if spins < ChannelWaiting.spinLimit / 8 {
                spins += 1
                CPU.relax()
                continue
            }
            let storage = service.storage
            let sequence = next
            storage.progressParking.sleepOnce(until: deadline, whileBlocked: {
                !Publisher.allows(sequence, storage)
            })
        }
    }

    /// Rescans the `.block` cursors; returns whether `next` may be published now.
    mutating func refreshGate() -> Bool {
        let storage = service.storage
        seenMembership = membership.pointee.load(ordering: .sequentiallyConsistent)
        if let minimum = SubscriberTable.minimumBlockingCursor(storage, next: next) {
            gateLimit = minimum &+ UInt64(storage.configuration.bufferCapacity)
        } else {
            gateLimit = .max
        }
        return next < gateLimit
    }

    /// Whether sequence `sequence` may be published given the cursors now (sequentially
    /// consistent loads: the waiter's re-check of the parking handshake).
    static func allows(_ sequence: UInt64, _ storage: ServiceStorage) -> Bool {
        guard let minimum = SubscriberTable.minimumBlockingCursor(storage, next: sequence) else { return true }
        return sequence < minimum &+ UInt64(storage.configuration.bufferCapacity)
    }
}
#endif
