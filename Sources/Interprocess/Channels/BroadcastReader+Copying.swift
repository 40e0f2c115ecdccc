#if os(Linux)
import Synchronization

/// The reader's slow path: copying the next stretch of the ring, checking the copy, skipping
/// padding, jumping after a lap, and judging every header it meets (the reader's choke point
/// for the ring's words: nothing read from the ring is used before it is judged here).
extension BroadcastReader {
    /// How many copies and jumps one peek makes before it gives up for now (a writer so fast
    /// that it laps this reader on every copy, or one that publishes only padding). A blocking
    /// receive then looks at its deadline and tries again.
    static var copyAttempts: Int { 64 }

    /// The bytes the writer's cache line pair spans (x86 fetches lines in pairs).
    static var writerLine: Int { 128 }

    /// ``peek()`` when the next record is not a data record in step in the checked copy.
    @usableFromInline
    mutating func peekSlowly() throws(InterprocessError) -> UnsafeRawBufferPointer? {
        var attempts = 0
        while true {
            if let record = recordInStep() { return record }
            if readOffset < chunkFill {
                let offset = Int(truncatingIfNeeded: chunkStart &+ UInt64(truncatingIfNeeded: readOffset)) & mask
                let word = UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: readOffset, as: UInt64.self))
                switch BroadcastRecordHeader.judge(word, at: offset, capacity: capacity, maximumRecordSize: maximumRecordSize) {
                case .invalid(let reason):
                    throw corruption(reason)
                case .padding(let footprint):
                    if readOffset &+ footprint <= chunkFill {
                        readOffset &+= footprint
                    } else if chunkReachesTail {
                        throw corruption("a padding record at ring offset \(offset) runs past the tail")
                    } else {
                        restartCopy(at: chunkStart &+ UInt64(truncatingIfNeeded: readOffset &+ footprint))
                    }
                    continue
                case .data(let payload, let footprint):
                    guard readOffset &+ footprint <= chunkFill else {
                        if chunkReachesTail { throw corruption("a record of \(payload) bytes at ring offset \(offset) runs past the tail") }
                        restartCopy(at: chunkStart &+ UInt64(truncatingIfNeeded: readOffset))
                        // The next copy takes this record whole, wherever the writer is.
                        minimumCopy = footprint
                        continue
                    }
                    let sequence = UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: readOffset &+ 8, as: UInt64.self))
                    try synchronize(to: sequence, at: offset)
                    pendingEnd = readOffset &+ footprint
                    return UnsafeRawBufferPointer(start: buffer + readOffset + BroadcastLayout.headerSize, count: payload)
                }
            }
            attempts &+= 1
            guard attempts <= Self.copyAttempts else {
                // Not "nothing new": a tail no publish produces, so a wait returns at once.
                awaitedTail = tail.pointee.load(ordering: .relaxed) &+ 1
                return nil
            }
            if try !copyNext() { return nil }
        }
    }

    /// Judges the sequence number of the next data record.
    mutating func synchronize(to sequence: UInt64, at offset: Int) throws(InterprocessError) {
        switch synchronization {
        case .inStep:
            guard sequence == expected else {
                throw corruption("the record at ring offset \(offset) has sequence number \(sequence), but \(expected) comes next")
            }
        case .afterJump:
            guard Int64(bitPattern: sequence &- expected) >= 0 else {
                throw corruption("the latest record, at ring offset \(offset), has sequence number \(sequence), before the \(expected) this reader expects")
            }
            missed &+= sequence &- expected
            expected = sequence
            synchronization = .inStep
            jumpedBehind = false
        case .unknown:
            expected = sequence
            synchronization = .inStep
            jumpedBehind = false
        }
    }

    /// Drops the copy; the next one starts at ring position `position`.
    mutating func restartCopy(at position: UInt64) {
        chunkStart = position
        chunkFill = 0
        readOffset = 0
    }

    /// Copies the next published stretch of the ring into the buffer and checks it. Returns
    /// false when nothing new is published (or the reader is lapped with nowhere to jump yet).
    mutating func copyNext() throws(InterprocessError) -> Bool {
        let cursor = chunkStart &+ UInt64(truncatingIfNeeded: readOffset)
        let published = tail.pointee.load(ordering: .acquiring)
        let available = published &- cursor
        let limit = UInt64(truncatingIfNeeded: capacity)
        if available == 0 || (Int64(bitPattern: available) < 0 && cursor &- published <= limit) {
            // Nothing new; or this reader jumped to a latest record the writer has not
            // published yet (it is whole: `latest` is stored after it).
            awaitedTail = published
            return false
        }
        guard available & 7 == 0, Int64(bitPattern: available) > 0 else {
            throw corruption("its tail \(published) cannot follow this reader's position \(cursor)")
        }
        if available > limit { return try jump() }
        // Stay out of the 128-byte line the writer is filling while it keeps writing: copying it
        // would pull the line away from the writer once per record. Everything before that line
        // is copied now; the rest once the writer has moved on, or has stopped (the tail read
        // twice in a row, unchanged).
        var readable = (published & ~UInt64(BroadcastReader.writerLine &- 1)) &- cursor
        if Int64(bitPattern: readable) <= 0 {
            guard tail.pointee.load(ordering: .acquiring) == published else {
                // Not "nothing new": a tail no publish produces, so a wait returns at once.
                awaitedTail = published &+ 1
                return false
            }
            readable = available
        }
        readable = Swift.min(Swift.max(readable, UInt64(truncatingIfNeeded: minimumCopy)), available)
        minimumCopy = 0
        let offset = Int(truncatingIfNeeded: cursor) & mask
        let count = Swift.min(Int(truncatingIfNeeded: readable), bufferSize, capacity &- offset)
        buffer.copyMemory(from: ring + offset, byteCount: count)
        // The check: an acquire fence, then the intent. If the copy saw any byte the writer
        // wrote after announcing an intent, the fence makes that announcement visible here.
        atomicMemoryFence(ordering: .acquiring)
        let announced = intent.pointee.load(ordering: .relaxed)
        // The writer stores the intent before the tail it read, so the intent is never behind it.
        guard Int64(bitPattern: announced &- published) >= 0 else {
            throw corruption("its tail intent \(announced) is behind its tail \(published)")
        }
        let lead = announced &- cursor
        if lead > limit { return try jump() }
        chunkStart = cursor
        chunkFill = count
        readOffset = 0
        chunkReachesTail = cursor &+ UInt64(truncatingIfNeeded: count) == published
        return true
    }

    /// After a lap: continues at the checkpoint furthest behind the tail that is still readable
    /// with a step to spare (about half a ring back), else at the latest record; the sequence
    /// number found there tells how many were missed. A reader lapped again after a jump to a
    /// checkpoint, before it received anything, jumps to the latest record: a reader slower
    /// than the writer still receives.
    ///
    /// Resuming at the latest record would put a slow reader at the writer's heels, where every
    /// copy is small and pulls lines the writer is still writing; half a ring back it copies in
    /// large chunks until the writer laps it again, and misses fewer records.
    mutating func jump() throws(InterprocessError) -> Bool {
        let checkpoint = jumpedBehind ? nil : readableCheckpoint()
        jumpedBehind = checkpoint != nil
        let target = checkpoint ?? latest.pointee.load(ordering: .acquiring)
        guard target != BroadcastLayout.none, target & 7 == 0 else {
            throw corruption("this reader was lapped, but the latest record's position \(target) is none a writer stores")
        }
        restartCopy(at: target)
        laps &+= 1
        if synchronization == .inStep { synchronization = .afterJump }
        return true
    }

    /// The published checkpoint furthest behind the tail among those that start a published
    /// record and stay readable for at least a step more; nil when none does.
    ///
    /// The tail is read first: a writer that took over resets the checkpoints before it
    /// publishes anything, so one found below this tail starts a record the tail covers.
    func readableCheckpoint() -> UInt64? {
        let published = tail.pointee.load(ordering: .acquiring)
        let announced = intent.pointee.load(ordering: .acquiring)
        let reach = UInt64(truncatingIfNeeded: capacity &- BroadcastLayout.announcementStep(capacity: capacity))
        var best: UInt64?
        for slot in 0..<BroadcastLayout.publishedCheckpoints {
            let candidate = (intent + 1 + slot).pointee.load(ordering: .acquiring)
            let behind = published &- candidate
            guard candidate & 7 == 0, Int64(bitPattern: behind) > 0, announced &- candidate <= reach else { continue }
            if let current = best, Int64(bitPattern: current &- candidate) <= 0 { continue }
            best = candidate
        }
        return best
    }

    func corruption(_ reason: String) -> InterprocessError {
        mapping.corruption(reason, operation: "receive from broadcast stream")
    }
}
#endif
