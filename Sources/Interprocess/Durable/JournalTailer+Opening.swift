#if os(Linux)
import Synchronization

extension JournalTailer {
    /// Opens a tailer of the journal in `directory` at `start`, or — when `name` is given and
    /// the journal already records that tailer — at its stored position.
    init(directory: String, start: JournalStart, name: String?) throws(InterprocessError) {
        let operation = "make tailer of journal"
        let control = try JournalControl.open(directory: directory, operation: operation)
        var located: (cycle: JournalCycle, position: Int, sequence: UInt64)
        var stored: UnsafeMutablePointer<Atomic<UInt64>>?
        if let name {
            var fresh: (cycle: JournalCycle, position: Int, sequence: UInt64)?
            let (slot, created) = try control.slot(named: name) { () throws(InterprocessError) -> UInt64 in
                let found = try JournalTailer.locate(start, directory: directory, operation: operation)
                fresh = found
                return found.sequence
            }
            guard try control.tryTake(seat: JournalControl.tailerSeat + Int64(slot)) else {
                throw InterprocessError(.alreadyExists, operation: operation, name: directory,
                                        reason: "tailer '\(name)' is in use by another live handle")
            }
            stored = control.positionWord(slot)
            if created, let fresh {
                located = fresh
            } else {
                located = try JournalTailer.locate(.sequence(stored!.pointee.load(ordering: .acquiring)),
                                                   directory: directory, operation: operation)
            }
        } else {
            located = try JournalTailer.locate(start, directory: directory, operation: operation)
        }
        self.init(control: control, cycle: located.cycle, base: located.cycle.base, dataEnd: located.cycle.dataEnd, position: located.position, nextSequence: located.sequence,
                  stored: stored, storedSequence: stored?.pointee.load(ordering: .relaxed) ?? 0)
        // A stored position older than the oldest cycle kept resumes at the oldest record.
        acknowledge()
    }

    /// The cycle, position and sequence number where a tailer starting at `start` reads first.
    static func locate(
        _ start: JournalStart, directory: String, operation: String
    ) throws(InterprocessError) -> (cycle: JournalCycle, position: Int, sequence: UInt64) {
        let numbers = try JournalFiles.cycleNumbers(directory, operation: operation)
        guard !numbers.isEmpty else {
            throw InterprocessError(.notFound, operation: operation, name: directory,
                                    reason: "the journal has no cycle yet: a writer makes the first")
        }
        func open(_ number: UInt64) throws(InterprocessError) -> JournalCycle {
            try JournalCycle.open(directory: directory, number: number, writable: false, operation: operation)
        }
        switch start {
        case .beginning:
            let cycle = try open(numbers[0])
            return (cycle, cycle.dataStart, cycle.firstSequence)
        case .end:
            let cycle = try open(numbers[numbers.count - 1])
            let end = cycle.readableEnd()
            return (cycle, end.position, end.sequence)
        case .sequence(let sequence):
            // Newest first: the cycle holding it is the newest that starts at or before it.
            for number in numbers.reversed() {
                let cycle = try open(number)
                if cycle.firstSequence <= sequence || number == numbers[0] {
                    let found = cycle.seek(to: max(sequence, cycle.firstSequence))
                    return (cycle, found.position, found.sequence)
                }
            }
        case .time(let nanoseconds):
            for number in numbers.reversed() {
                let cycle = try open(number)
                if cycle.openedAt <= nanoseconds || number == numbers[0] {
                    let found = cycle.seek(toTime: nanoseconds)
                    return (cycle, found.position, found.sequence)
                }
            }
        }
        throw InterprocessError(.notFound, operation: operation, name: directory, reason: "no cycle holds the start")
    }
}
#endif
