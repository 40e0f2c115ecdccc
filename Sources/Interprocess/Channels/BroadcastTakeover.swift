#if os(Linux)
import Synchronization

/// What a new writer finds and repairs before its first send: the positions a dead writer left,
/// judged at this one choke point, and made consistent again.
///
/// A writer stores, per record: the record's bytes; `latest`; the next sequence number; `tail`
/// (and now and then, before the bytes, a `tailIntent` a step ahead). Killed anywhere in
/// between, it leaves one of three states:
/// - before `latest`: the record is unfinished and unpublished. The new writer continues at
///   `tail`, writing over it, so it is never delivered; it keeps `tailIntent`, which still
///   bounds every byte written, until its own records pass it (the intent never moves back);
/// - after `latest`, before `tail`: the record is whole. It is published (`tail` moved past it);
/// - after `tail`: nothing to repair.
enum BroadcastTakeover {
    /// Where the new writer continues.
    struct Resumed {
        var position: UInt64
        var sequence: UInt64
        var oldest: UInt64
        /// The tail intent as found: the new writer keeps it until its records pass it.
        var intent: UInt64
    }

    /// Judges the writer's words and repairs what a dead writer left.
    ///
    /// - Throws: ``InterprocessError/Code/corrupt`` for words no writer leaves.
    static func resume(_ mapping: BroadcastMapping) throws(InterprocessError) -> Resumed {
        let operation = "make writer of broadcast stream"
        let capacity = UInt64(truncatingIfNeeded: mapping.capacity)
        let tailWord = mapping.word64(BroadcastLayout.tailOffset)
        var tail = tailWord.pointee.load(ordering: .acquiring)
        let intent = mapping.word64(BroadcastLayout.intentOffset).pointee.load(ordering: .acquiring)
        let latest = mapping.word64(BroadcastLayout.latestOffset).pointee.load(ordering: .acquiring)
        var sequence = mapping.word64(BroadcastLayout.sequenceOffset).pointee.load(ordering: .acquiring)
        let oldest = mapping.word64(BroadcastLayout.oldestOffset).pointee.load(ordering: .acquiring)
        guard (tail | intent) & 7 == 0, intent &- tail <= capacity else {
            throw mapping.corruption("its tail \(tail) and tail intent \(intent) are not two multiples of 8 with the intent at most the capacity (\(capacity) bytes) ahead", operation: operation)
        }
        if latest != BroadcastLayout.none, latest &- tail < capacity {
            // `latest` at or past `tail`: the dead writer finished this record but did not publish it.
            let offset = Int(truncatingIfNeeded: latest) & (mapping.capacity - 1)
            let word = UInt64(littleEndian: mapping.ring.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            let verdict = BroadcastRecordHeader.judge(word, at: offset, capacity: mapping.capacity, maximumRecordSize: mapping.maximumRecordSize)
            // Read only once the header says the record (16 bytes at least) ends inside the ring.
            let recorded = if case .data = verdict {
                UInt64(littleEndian: mapping.ring.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
            } else { sequence &+ 2 }
            guard case .data(_, let footprint) = verdict,
                  latest &+ UInt64(truncatingIfNeeded: footprint) &- tail <= intent &- tail,
                  recorded == sequence || recorded &+ 1 == sequence
            else {
                throw mapping.corruption("its latest record at \(latest), past its tail \(tail), is not a whole record of sequence \(sequence) or \(sequence &- 1) within its tail intent \(intent)", operation: operation)
            }
            tail = latest &+ UInt64(truncatingIfNeeded: footprint)
            sequence = recorded &+ 1
        }
        // The dead writer may have published a checkpoint for a record it never finished, and
        // this writer may cut the ring differently there: back to 0 (the stream's first record,
        // which readers use only while it is still readable) before any record of this writer
        // is published.
        for slot in 0..<BroadcastLayout.publishedCheckpoints {
            mapping.word64(BroadcastLayout.checkpointsOffset + 8 * slot).pointee.store(0, ordering: .relaxed)
        }
        mapping.word64(BroadcastLayout.sequenceOffset).pointee.store(sequence, ordering: .releasing)
        tailWord.pointee.store(tail, ordering: .sequentiallyConsistent)
        // `oldest` is a hint for starting readers (they check what they find there); one that
        // cannot be a record boundary behind the tail is reset to the tail.
        let boundary = oldest & 7 == 0 && tail &- oldest <= capacity ? oldest : tail
        if boundary != oldest { mapping.word64(BroadcastLayout.oldestOffset).pointee.store(boundary, ordering: .releasing) }
        mapping.recordParking.wakeIfWaiting()
        return Resumed(position: tail, sequence: sequence, oldest: boundary, intent: intent)
    }
}
#endif
