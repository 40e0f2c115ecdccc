#if os(Linux)
import Synchronization

/// Where a new reader starts: a record boundary and the sequence number of the record there,
/// read from the ring and checked against the tail intent as the reader's copies are.
enum BroadcastStart {
    /// A starting point; `known` is false when the sequence number could not be read (the
    /// reader then takes the first record's as it comes).
    struct Located {
        var position: UInt64
        var sequence: UInt64
        var known: Bool
    }

    /// What a probe of one record header found.
    enum Probe {
        case data(footprint: Int, sequence: UInt64)
        case padding(footprint: Int)
        /// The writer may have overwritten it while it was read.
        case lapped
    }

    /// Finds the start of a reader at `start`. Retries while the writer overwrites what it
    /// reads; after ``BroadcastReader/copyAttempts`` tries, starts at the tail with the
    /// sequence number unknown.
    ///
    /// - Throws: ``InterprocessError/Code/corrupt`` for a header no writer writes.
    static func locate(_ mapping: BroadcastMapping, _ start: BroadcastStream.StartPosition) throws(InterprocessError) -> Located {
        let tailWord = mapping.word64(BroadcastLayout.tailOffset)
        attempt: for _ in 0..<BroadcastReader.copyAttempts {
            let tail = tailWord.pointee.load(ordering: .acquiring)
            let latest = mapping.word64(BroadcastLayout.latestOffset).pointee.load(ordering: .acquiring)
            // Nothing published yet: the first record will be number 0.
            if latest == BroadcastLayout.none { return Located(position: tail, sequence: 0, known: true) }
            if start == .oldest {
                var position = mapping.word64(BroadcastLayout.oldestOffset).pointee.load(ordering: .acquiring)
                // Past the padding at a ring's end (if `oldest` is one) to a data record.
                for _ in 0..<4 where Int64(bitPattern: tail &- position) > 0 {
                    switch try probe(mapping, at: position) {
                    case .data(_, let sequence): return Located(position: position, sequence: sequence, known: true)
                    case .padding(let footprint): position &+= UInt64(truncatingIfNeeded: footprint)
                    case .lapped: continue attempt
                    }
                }
            }
            switch try probe(mapping, at: latest) {
            case .data(let footprint, let sequence):
                return start == .next
                    ? Located(position: latest &+ UInt64(truncatingIfNeeded: footprint), sequence: sequence &+ 1, known: true)
                    : Located(position: latest, sequence: sequence, known: true)
            case .padding:
                throw mapping.corruption("its latest record, at \(latest), is a padding record", operation: "make reader of broadcast stream")
            case .lapped:
                continue attempt
            }
        }
        return Located(position: tailWord.pointee.load(ordering: .acquiring), sequence: .max, known: false)
    }

    /// Reads the record header at ring position `position` and checks that the writer had not
    /// started to overwrite it.
    static func probe(_ mapping: BroadcastMapping, at position: UInt64) throws(InterprocessError) -> Probe {
        guard position & 7 == 0 else {
            throw mapping.corruption("a record position \(position) is not a multiple of 8", operation: "make reader of broadcast stream")
        }
        let offset = Int(truncatingIfNeeded: position) & (mapping.capacity - 1)
        let word = UInt64(littleEndian: mapping.ring.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        let verdict = BroadcastRecordHeader.judge(word, at: offset, capacity: mapping.capacity, maximumRecordSize: mapping.maximumRecordSize)
        // Only a data record (16 bytes at least, inside the ring) has a sequence number to read.
        let sequence: UInt64 = if case .data = verdict {
            UInt64(littleEndian: mapping.ring.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
        } else { 0 }
        atomicMemoryFence(ordering: .acquiring)
        let announced = mapping.word64(BroadcastLayout.intentOffset).pointee.load(ordering: .relaxed)
        guard announced &- position <= UInt64(truncatingIfNeeded: mapping.capacity) else { return .lapped }
        switch verdict {
        case .data(_, let footprint): return .data(footprint: footprint, sequence: sequence)
        case .padding(let footprint): return .padding(footprint: footprint)
        case .invalid(let reason): throw mapping.corruption(reason, operation: "make reader of broadcast stream")
        }
    }
}
#endif
