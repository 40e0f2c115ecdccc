#if os(Linux)
internal import SystemPackage
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension JournalWriter {
    /// Takes the journal's writer seat and finds where to go on: the end of the newest cycle's
    /// whole records. A torn record a killed writer left there (possible after an OS crash) is
    /// cleared, a previous cycle left unsealed is sealed, and a missing index entry restored.
    static func make(directory: String) throws(InterprocessError) -> JournalWriter {
        let operation = "make writer of journal"
        let control = try JournalControl.open(directory: directory, operation: operation)
        guard try control.tryTake(seat: JournalControl.writerSeat) else {
            let writer = control.writer
            throw InterprocessError(.alreadyExists, operation: operation, name: directory,
                                    reason: "the journal has a live writer (pid \(writer.pid))")
        }
        control.recordWriter()
        JournalFiles.removeLeftovers(directory)
        let configuration = control.configuration
        let numbers = try JournalFiles.cycleNumbers(directory, operation: operation)
        var cycle: JournalCycle
        var end: (position: Int, sequence: UInt64)
        var created = false
        if let last = numbers.last {
            cycle = try JournalCycle.open(directory: directory, number: last, writable: true, operation: operation)
            end = cycle.readableEnd(repairingIndex: true)
            if numbers.count >= 2 {
                let previous = try JournalCycle.open(directory: directory, number: numbers[numbers.count - 2], writable: true, operation: operation)
                if previous.sealed.pointee.load(ordering: .acquiring) == 0 {
                    previous.sealed.pointee.store(UInt64(previous.readableEnd(repairingIndex: true).position), ordering: .sequentiallyConsistent)
                }
            }
            // A torn record's commit word must read as "nothing yet" before anything is rewritten
            // behind it.
            if end.position + 8 <= cycle.dataEnd {
                JournalLayout.word(cycle.base, end.position).pointee.store(0, ordering: .sequentiallyConsistent)
            }
        } else {
            cycle = try JournalCycle.create(directory: directory, number: 0, firstSequence: 0, configuration: configuration,
                                            permissions: control.permissions, operation: operation)
            end = (cycle.dataStart, 0)
            created = true
        }
        let spacing = UInt64(cycle.indexSpacing)
        var writer = JournalWriter(control: control, cycle: cycle, base: cycle.base, dataEnd: cycle.dataEnd,
                  writableEnd: end.position, position: end.position,
                  nextSequence: end.sequence, indexBase: cycle.firstSequence, indexMask: spacing - 1,
                  indexShift: UInt64(spacing.trailingZeroBitCount), indexCapacity: cycle.indexCapacity,
                  rollAt: JournalWriter.rollTime(after: cycle.openedAt, configuration), lastTimestamp: 0,
                  writesBack: configuration.durability != .memory,
                  fenceIsAsymmetric: AsymmetricFence.registerFrequentSide(),
                  waiters: JournalLayout.word32(control.base, JournalLayout.waitersOffset),
                  flushedUpTo: end.position, flushedSequence: end.sequence, appendsSinceFlush: 0, lastFlush: JournalFiles.preciseNow(), flushCount: 0,
                  directorySyncs: 0, lastRetentionError: nil)
        if created && writer.writesBack { try writer.syncDirectory(operation: operation) }
        if cycle.sealed.pointee.load(ordering: .acquiring) != 0 {
            try writer.roll(timestamp: JournalFiles.now(), operation: operation)
        }
        return writer
    }

    /// The end of the rolling period that `time` falls in; `.max` when the journal rolls only when full.
    static func rollTime(after time: UInt64, _ configuration: JournalConfiguration) -> UInt64 {
        let period = configuration.rolling.nanoseconds
        guard period != 0 else { return .max }
        return (time / period &+ 1) &* period
    }

}

extension JournalControl {
    /// The mode of the control file, which every cycle file gets too.
    var permissions: FilePermissions {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return .ownerReadWrite }
        return FilePermissions(rawValue: CModeT(info.st_mode & 0o7777))
    }
}
#endif
