#if os(Linux)
internal import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension JournalWriter {
    /// The slow path of an append: checks the count, and starts a new cycle when the record
    /// does not fit or the period is over.
    @usableFromInline
    mutating func makeRoom(count: Int, timestamp: UInt64) throws(InterprocessError) {
        let operation = "append to journal"
        guard count >= 0, count <= JournalLayout.maximumPayload else {
            throw InterprocessError(.invalidArgument, operation: operation, name: control.directory,
                                    reason: "a record's length must be in 0...\(JournalLayout.maximumPayload) (got \(count))")
        }
        let needed = JournalLayout.recordHeaderSize + JournalLayout.padded(count)
        guard cycle.dataStart + needed <= cycle.dataEnd else {
            throw InterprocessError(.invalidArgument, operation: operation, name: control.directory,
                                    reason: "a record of \(count) bytes does not fit in a cycle of \(control.configuration.cycleSize) bytes")
        }
        if position == cycle.dataStart {
            // An empty cycle takes the record whatever the time: no empty cycle files.
            rollAt = JournalWriter.rollTime(after: timestamp, control.configuration)
            return
        }
        try roll(timestamp: timestamp, operation: operation)
    }

    /// Starts cycle `n + 1` at the next sequence number, seals cycle `n` where its records end
    /// (tailers there move on), and applies the retention policy.
    mutating func roll(timestamp: UInt64, operation: String) throws(InterprocessError) {
        let configuration = control.configuration
        let next = try JournalCycle.create(
            directory: control.directory, number: cycle.number &+ 1, firstSequence: nextSequence,
            configuration: configuration, permissions: control.permissions, operation: operation)
        if writesBack { try flushPending() }
        cycle.sealed.pointee.store(UInt64(position), ordering: .sequentiallyConsistent)
        if writesBack { try cycle.file.region.flush(JournalLayout.sealedOffset..<(JournalLayout.sealedOffset + 8)) }
        wakeTailers()
        cycle = next
        base = next.base
        dataEnd = next.dataEnd
        position = next.dataStart
        indexBase = next.firstSequence
        indexCapacity = next.indexCapacity
        flushedUpTo = position
        flushedSequence = nextSequence
        rollAt = JournalWriter.rollTime(after: timestamp, configuration)
        applyRetention()
    }

    /// Deletes or archives all but the newest cycles, as the configuration says. Failures are
    /// ignored: retention is housekeeping, retried at the next roll.
    func applyRetention() {
        let retention = control.configuration.retention
        guard let kept = retention.kept,
              let numbers = try? JournalFiles.cycleNumbers(control.directory, operation: "apply journal retention"),
              numbers.count > kept else { return }
        for number in numbers.dropLast(kept) {
            let path = JournalFiles.cyclePath(control.directory, number)
            switch retention {
            case .archive(_, let directory):
                let name = String(path.split(separator: "/").last ?? "")
                rename(path, directory.string + "/" + name)
            default:
                unlink(path)
            }
        }
    }
}
#endif
