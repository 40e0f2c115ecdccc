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
        if timestamp >= rollAt || dataEnd &- position &- JournalLayout.recordHeaderSize < JournalLayout.padded(count) {
            if position == cycle.dataStart {
                // An empty cycle takes the record whatever the time: no empty cycle files.
                rollAt = JournalWriter.rollTime(after: timestamp, control.configuration)
            } else {
                try roll(timestamp: timestamp, operation: operation)
            }
        }
        faultIn(through: position + needed)
    }

    /// How far ahead of itself the writer faults pages in, in one call per window.
    static let faultWindow = 256 << 10

    /// Faults in the pages from ``writableEnd`` to at least `end` and a window beyond, so that
    /// appends write to pages already mapped: a first write to a fresh page of a file costs a
    /// fault (a zero-filled page on tmpfs) every 40-odd records of 64 bytes, and one
    /// `MADV_POPULATE_WRITE` per 256 KiB is several times cheaper. Before Linux 5.14 (no
    /// `MADV_POPULATE_WRITE`) each page is touched with an atomic add of 0, which leaves the
    /// bytes as they are.
    mutating func faultIn(through end: Int) {
        guard writableEnd < end else { return }
        let pageSize = MappedRegion.pageSize
        let from = max(writableEnd, position) & ~(pageSize - 1)
        let to = min(dataEnd, max(end, from + JournalWriter.faultWindow))
        if madvise(base + from, to - from, 23 /* MADV_POPULATE_WRITE */) != 0 {
            var page = from
            while page < to {
                JournalLayout.word(base, page).pointee.add(0, ordering: .relaxed)
                page += pageSize
            }
        }
        writableEnd = to
    }
    /// Starts cycle `n + 1` at the next sequence number, seals cycle `n` where its records end
    /// (tailers there move on), and applies the retention policy.
    mutating func roll(timestamp: UInt64, operation: String) throws(InterprocessError) {
        let configuration = control.configuration
        let next = try JournalCycle.create(
            directory: control.directory, number: cycle.number &+ 1, firstSequence: nextSequence,
            configuration: configuration, permissions: control.permissions, operation: operation)
        if writesBack {
            try flushPending()
            try syncDirectory(operation: operation)
        }
        cycle.sealed.pointee.store(UInt64(position), ordering: .sequentiallyConsistent)
        if writesBack { try cycle.file.region.flush(JournalLayout.sealedOffset..<(JournalLayout.sealedOffset + 8)) }
        wakeTailers()
        cycle = next
        base = next.base
        dataEnd = next.dataEnd
        position = next.dataStart
        writableEnd = next.dataStart
        indexBase = next.firstSequence
        indexCapacity = next.indexCapacity
        flushedUpTo = position
        flushedSequence = nextSequence
        rollAt = JournalWriter.rollTime(after: timestamp, configuration)
        applyRetention()
    }

    /// Writes the journal's directory back (a cycle file was added or removed), counted.
    mutating func syncDirectory(operation: String, _ directory: String? = nil) throws(InterprocessError) {
        try JournalFiles.syncDirectory(directory ?? control.directory, operation: operation)
        directorySyncs += 1
    }

    /// Deletes or archives all but the newest cycles, as the configuration says. A failure
    /// does not fail the append that rolled: it is kept in ``retentionError`` (and the cycle
    /// shows in ``JournalState/cyclesOverRetention``), and the next roll tries again.
    mutating func applyRetention() {
        let retention = control.configuration.retention
        let operation = "apply journal retention"
        guard let kept = retention.kept else { return }
        do {
            let numbers = try JournalFiles.cycleNumbers(control.directory, operation: operation)
            guard numbers.count > kept else { lastRetentionError = nil; return }
            var failure: InterprocessError?
            for number in numbers.dropLast(kept) {
                let path = JournalFiles.cyclePath(control.directory, number)
                let name = String(path.split(separator: "/").last ?? "")
                let destination: String?
                if case .archive(_, let directory) = retention { destination = directory.string + "/" + name } else { destination = nil }
                let done = destination.map { rename(path, $0) } ?? unlink(path)
                if done != 0 { failure = InterprocessError.system(currentErrno, operation: operation, name: path) }
            }
            if writesBack {
                try syncDirectory(operation: operation)
                if case .archive(_, let directory) = retention { try syncDirectory(operation: operation, directory.string) }
            }
            lastRetentionError = failure
        } catch {
            lastRetentionError = error
        }
    }
}
#endif
