#if os(Linux)
import Synchronization

/// Loads and stores of the directory's words at byte offsets of a block: atomic, so that the
/// order of a sequence of stores — what a process killed in the middle leaves behind — is the
/// order in the code (each store releases the ones before it).
enum SharedWord {
    @inline(__always)
    static func load(_ block: UnsafeMutableRawPointer, _ offset: Int) -> UInt64 {
        (block + offset).assumingMemoryBound(to: Atomic<UInt64>.self).pointee.load(ordering: .acquiring)
    }

    @inline(__always)
    static func store(_ value: UInt64, _ block: UnsafeMutableRawPointer, _ offset: Int) {
        (block + offset).assumingMemoryBound(to: Atomic<UInt64>.self).pointee.store(value, ordering: .releasing)
    }

    @inline(__always)
    static func load32(_ block: UnsafeMutableRawPointer, _ offset: Int) -> UInt32 {
        (block + offset).assumingMemoryBound(to: Atomic<UInt32>.self).pointee.load(ordering: .acquiring)
    }

    @inline(__always)
    static func store32(_ value: UInt32, _ block: UnsafeMutableRawPointer, _ offset: Int) {
        (block + offset).assumingMemoryBound(to: Atomic<UInt32>.self).pointee.store(value, ordering: .releasing)
    }
}
#endif
