#if os(Linux)
import Synchronization

/// Blocking reads: the tailer sleeps on the journal's wake-up word (docs/FORMAT.md) while there
/// is nothing new; the writer wakes it only when a tailer sleeps.
extension JournalTailer {
    /// Whether a tailer at `position` of `cycle` has to wait: no committed record there and the
    /// cycle not sealed. Sequentially consistent loads: step (2) of the wake-up handshake. A
    /// commit word that is set but fails its check (a torn record, repaired by the next
    /// writer) also waits, rechecked every 20 ms.
    static func isBlocked(_ cycle: JournalCycle, at position: Int, expecting sequence: UInt64) -> Bool {
        if position + 8 <= cycle.dataEnd,
           JournalLayout.word(cycle.base, position).pointee.load(ordering: .sequentiallyConsistent) != 0,
           cycle.look(at: position, expecting: sequence) >= 0 {
            return false
        }
        return cycle.sealed.pointee.load(ordering: .sequentiallyConsistent) == 0
    }

    /// Blocks until a record may be there or `deadline` passes (`timedOut`).
    mutating func waitForRecord(until deadline: Deadline) throws(InterprocessError) {
        for _ in 0..<FutexParking.spinLimit {
            if !JournalTailer.isBlocked(cycle, at: position, expecting: nextSequence) { return }
            CPU.relax()
        }
        let parking = control.parking
        while true {
            // A cycle file shrunk by another process reads as zeros here: no record, ever.
            if deadline.hasPassed || cycle.file.region.wasTruncated {
                try cycle.file.region.checkNotTruncated(operation: "read from journal", name: cycle.path)
                throw InterprocessError(.timedOut, operation: "read from journal", name: control.directory,
                                        reason: "no record arrived in time")
            }
            var blocked = true
            parking.sleepOnce(until: deadline) {
                // The writer's commit may be a release store (its half of the asymmetric fence).
                AsymmetricFence.rareSide()
                let word = parking.word.pointee.load(ordering: .sequentiallyConsistent)
                blocked = JournalTailer.isBlocked(cycle, at: position, expecting: nextSequence)
                return blocked ? word : nil
            }
            if !blocked || !JournalTailer.isBlocked(cycle, at: position, expecting: nextSequence) { return }
        }
    }

    /// Calls `body` with the next record, in place, waiting at most until `deadline`.
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` when no record came in time.
    @available(*, noasync, message: "use the async next(until:)")
    public mutating func next<Result>(
        until deadline: Deadline, _ body: (JournalRecord) throws(InterprocessError) -> Result
    ) throws(InterprocessError) -> Result {
        while true {
            if let result = try tryNext(body) { return result }
            try waitForRecord(until: deadline)
        }
    }

    /// Calls `body` with the next record, in place, waiting at most `timeout`.
    @available(*, noasync, message: "use the async next(timeout:)")
    public mutating func next<Result>(
        timeout: Duration, _ body: (JournalRecord) throws(InterprocessError) -> Result
    ) throws(InterprocessError) -> Result {
        try next(until: .after(timeout), body)
    }

    /// Calls `body` with the next record, in place, waiting as long as it takes.
    @available(*, noasync, message: "use the async next()")
    public mutating func next<Result>(
        _ body: (JournalRecord) throws(InterprocessError) -> Result
    ) throws(InterprocessError) -> Result {
        try next(until: .never, body)
    }

    /// The next record, copied, waiting at most until `deadline` (`timedOut`).
    @available(*, noasync, message: "use the async next(until:)")
    public mutating func next(until deadline: Deadline) throws(InterprocessError) -> JournalEntry {
        try next(until: deadline) { record throws(InterprocessError) in record.entry }
    }

    /// The next record, copied, waiting at most `timeout` (`timedOut`).
    @available(*, noasync, message: "use the async next(timeout:)")
    public mutating func next(timeout: Duration) throws(InterprocessError) -> JournalEntry {
        try next(until: .after(timeout)) { record throws(InterprocessError) in record.entry }
    }

    /// The next record, copied, waiting as long as it takes.
    @available(*, noasync, message: "use the async next()")
    public mutating func next() throws(InterprocessError) -> JournalEntry {
        try next(until: .never) { record throws(InterprocessError) in record.entry }
    }
}
#endif
