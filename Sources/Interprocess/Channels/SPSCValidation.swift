#if os(Linux)
/// The one place where an ``SPSCQueue``'s shared words are judged before use. Any process that can
/// map the queue can write any value into `tail`, `head` or a record header, so every index is
/// checked here when it is read from the segment, and every record header before it is trusted
/// (in ``SPSCConsumer/tryPeek()``, which calls into this file only on its error paths).
extension SPSCMapping {
    /// Whether `tail` and `head` can be the indices of this queue: both 8-byte aligned (records
    /// start on 8-byte boundaries) and `tail` at most `capacity` bytes ahead of `head`. Wrapping
    /// arithmetic: a `head` past `tail` reads as a distance near 2^64, so it fails too.
    @inlinable @inline(__always)
    func indicesAreValid(tail: UInt64, head: UInt64) -> Bool {
        (tail | head) & UInt64(truncatingIfNeeded: SPSCLayout.recordAlignment &- 1) == 0
            && tail &- head <= UInt64(truncatingIfNeeded: capacity)
    }

    /// Reads both indices for an endpoint that is attaching, and checks them.
    ///
    /// - Throws: ``InterprocessError/Code/corrupt`` naming the word at fault.
    func attachIndices(operation: String) throws(InterprocessError) -> (tail: UInt64, head: UInt64) {
        // The attaching side owns one index (nobody else moves it) and the other only moves
        // towards it, so the pair read here is consistent.
        let tail = word64(SPSCLayout.tailOffset).pointee.load(ordering: .acquiring)
        let head = word64(SPSCLayout.headOffset).pointee.load(ordering: .acquiring)
        guard indicesAreValid(tail: tail, head: head) else {
            throw indexError(tail: tail, head: head, headName: "head", operation: operation)
        }
        return (tail, head)
    }

    /// The error for indices that fail ``indicesAreValid(tail:head:)``: which word is wrong.
    @usableFromInline
    func indexError(tail: UInt64, head: UInt64, headName: String, operation: String) -> InterprocessError {
        let reason: String
        if head & 7 != 0 {
            reason = "its \(headName) \(head) is not a multiple of 8 (records start on 8-byte boundaries)"
        } else if tail & 7 != 0 {
            reason = "its tail \(tail) is not a multiple of 8 (records start on 8-byte boundaries)"
        } else if tail &- head > UInt64(Int64.max) {
            reason = "its tail \(tail) is behind its \(headName) \(head)"
        } else {
            reason = "its tail \(tail) is \(tail &- head) bytes ahead of its \(headName) \(head), more than the capacity of \(capacity) bytes"
        }
        return storage.judged(InterprocessError(.corrupt, operation: operation, name: storage.name, reason: reason))
    }

    /// The error for a record header at `index` (ring offset `offset`) that cannot be right,
    /// given the published `tail`: which part of it is wrong.
    @usableFromInline
    func recordHeaderError(_ header: UInt64, at index: UInt64, offset: Int, tail: UInt64) -> InterprocessError {
        let length = UInt32(truncatingIfNeeded: header)
        let flags = UInt32(truncatingIfNeeded: header >> 32)
        let available = tail &- index
        let what: String
        if flags == SPSCLayout.paddingFlag, length == 0 {
            what = offset == 0
                ? "a padding flag at the ring's start, where no record can need one"
                : "a padding record of \(capacity - offset) bytes, but the tail \(tail) leaves only \(available) bytes for it and the record after it"
        } else if flags != 0 {
            what = "flags \(flags) (only a padding header, with length 0, has flags)"
        } else if Int(length) > maximumRecordSize {
            what = "a length of \(length) bytes, past the queue's limit of \(maximumRecordSize)"
        } else if offset + SPSCLayout.footprint(Int(length)) > capacity {
            what = "a length of \(length) bytes, which would run past the ring's end"
        } else {
            what = "a length of \(length) bytes, past the tail \(tail) (\(available) bytes published)"
        }
        return storage.judged(InterprocessError(.corrupt, operation: "receive from queue", name: storage.name,
                                                reason: "the record header at index \(index) (ring offset \(offset)) holds \(what)"))
    }
}

extension SPSCLayout {
    /// A padding header as the producer writes it: length 0, flags `paddingFlag`.
    @usableFromInline static let paddingHeader = UInt64(paddingFlag) << 32
}
#endif
