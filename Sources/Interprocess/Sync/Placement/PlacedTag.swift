#if os(Linux)
import Synchronization

/// The first 8 bytes of every placed synchronization primitive: a 32-bit tag naming the
/// primitive, then its layout version. Opening a place checks both, so that zeroed or foreign
/// memory is a typed error instead of a wait on garbage, and another primitive is `wrongKind`.
///
/// The initializer writes every other field first and the tag last, with a release store; the
/// check reads it with an acquire load. So a process that finds the tag also sees the fields.
enum PlacedTag {
    /// The tags this library writes, with the primitive each names.
    static let known: [UInt32: String] = [
        ProcessSemaphore.tag: "semaphore",
        ProcessEvent.tag: "event",
        ProcessMutex.tag: "mutex",
        ProcessCondition.tag: "condition",
        RWLockLayout.tag: "reader-writer lock",
    ]

    /// The tag word at `base` (offset 0).
    static func word(at base: UnsafeMutableRawPointer) -> UnsafeMutablePointer<Atomic<UInt32>> {
        base.bindMemory(to: Atomic<UInt32>.self, capacity: 1)
    }

    /// Publishes an initialized primitive: stores `version` at offset 4, then `tag` at offset 0.
    static func publish(at base: UnsafeMutableRawPointer, tag: UInt32, version: UInt32) {
        (base + 4).storeBytes(of: version.littleEndian, as: UInt32.self)
        word(at: base).initialize(to: Atomic(0))
        word(at: base).pointee.store(tag, ordering: .releasing)
    }

    /// Checks the tag and version at `base`.
    ///
    /// - Throws: ``InterprocessError/Code/wrongKind`` for another primitive's tag,
    ///   `corrupt` for any other tag (zeroed or foreign memory), `incompatibleVersion` for a
    ///   version other than `version`.
    static func check(
        at base: UnsafeMutableRawPointer, tag: UInt32, version: UInt32, primitive: String, name: String?,
        operation: String? = nil
    ) throws(InterprocessError) {
        let operation = operation ?? "open a placed \(primitive)"
        let found = word(at: base).pointee.load(ordering: .acquiring)
        guard found == tag else {
            if found == 0 {
                throw InterprocessError(.corrupt, operation: operation, name: name,
                                        reason: "no \(primitive) was initialized there (its tag is 0)")
            }
            if let other = known[found] {
                throw InterprocessError(.wrongKind, operation: operation, name: name,
                                        reason: "the memory holds a \(other), not a \(primitive)")
            }
            throw InterprocessError(.corrupt, operation: operation, name: name,
                                    reason: "the memory does not hold an initialized \(primitive) (tag 0x\(String(found, radix: 16)), expected 0x\(String(tag, radix: 16)))")
        }
        let foundVersion = UInt32(littleEndian: (base + 4).load(as: UInt32.self))
        guard foundVersion == version else {
            throw InterprocessError(.incompatibleVersion, operation: operation, name: name,
                                    reason: "its layout version is \(foundVersion); this library reads version \(version)")
        }
    }
}
#endif
