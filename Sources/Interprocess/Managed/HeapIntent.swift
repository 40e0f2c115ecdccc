#if os(Linux)
/// The intent record at ``ManagedLayout/intentOffset``: what the holder of the heap lock is in
/// the middle of, written before it changes a block header and cleared after, so that the next
/// locker can finish or undo the change if the holder dies (`docs/FORMAT.md`, "Crash safety").
///
/// Four uint64 words: operation, block, size, extra. The operation is written last, the
/// clearing first: a record whose operation is set is whole.
enum HeapIntent {
    /// What was in progress.
    enum Operation: UInt64 {
        case none = 0
        /// Splitting the free block (`block`, `size`) to allocate from it: undone.
        case allocate = 1
        /// Freeing the allocated block (`block`, `size`): finished.
        case free = 2
        /// Growing the heap from `size` to `extra` bytes: finished if the file has the new size, else undone.
        case grow = 3
        /// Carving a slab for chunk `extra` from the free block (`block`, `size`): undone.
        case carveSlab = 4
        /// Shrinking the heap from `size` to `extra` bytes, cutting the free block at `block`: undone.
        case shrink = 5
    }

    static let operationOffset = ManagedLayout.intentOffset
    static let blockOffset = ManagedLayout.intentOffset + 8
    static let sizeOffset = ManagedLayout.intentOffset + 16
    static let extraOffset = ManagedLayout.intentOffset + 24

    static func begin(_ operation: Operation, block: UInt64, size: UInt64, extra: UInt64 = 0, in heap: LargeHeap) {
        heap.setWord(UInt64(blockOffset), block)
        heap.setWord(UInt64(sizeOffset), size)
        heap.setWord(UInt64(extraOffset), extra)
        heap.setWord(UInt64(operationOffset), operation.rawValue)
    }

    static func end(in heap: LargeHeap) {
        heap.setWord(UInt64(operationOffset), Operation.none.rawValue)
    }

    /// The record as written: (raw operation, block, size, extra).
    static func read(_ heap: LargeHeap) -> (operation: UInt64, block: UInt64, size: UInt64, extra: UInt64) {
        (heap.word(UInt64(operationOffset)), heap.word(UInt64(blockOffset)), heap.word(UInt64(sizeOffset)),
         heap.word(UInt64(extraOffset)))
    }
}
#endif
