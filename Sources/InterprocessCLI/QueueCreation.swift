import Interprocess
import SystemPackage

// MERGE: the one place `interprocess create` makes queues, and calls creation APIs that throw
// untyped errors. The queue rewrite (a colleague's branch) turns `SPSCQueue.create` and
// `MPMCQueue.create` into `SPSCQueue(create:…)` values, and typed throws everywhere makes
// `typed(_:name:_:)` unnecessary: adapt this file and nothing else.

/// `create --kind spsc|mpmc|raw`, against today's creation APIs.
enum QueueCreation {
    static func createSPSC(_ name: String, capacity: Int, maximumRecordSize: Int,
                           permissions: FilePermissions) throws(InterprocessError) {
        try typed("create queue", name: name) {
            try SPSCQueue.create(name, capacity: capacity, maximumRecordSize: maximumRecordSize, permissions: permissions)
        }
    }

    static func createMPMC(_ name: String, slotCount: Int, slotSize: Int,
                           permissions: FilePermissions) throws(InterprocessError) {
        try typed("create queue", name: name) {
            try MPMCQueue.create(name, slotCount: slotCount, slotSize: slotSize, permissions: permissions)
        }
    }

    static func createRaw(_ name: String, bodySize: Int, permissions: FilePermissions) throws(InterprocessError) {
        try typed("create segment", name: name) {
            _ = try Segment(create: name, kind: .raw, bodySize: bodySize, permissions: permissions)
        }
    }

    /// Runs an untyped-throwing creation; what it throws is always an `InterprocessError`.
    private static func typed(_ operation: String, name: String, _ body: () throws -> Void) throws(InterprocessError) {
        do {
            try body()
        } catch {
            throw (error as? InterprocessError)
                ?? InterprocessError(.systemError, operation: operation, name: name, reason: "\(error)")
        }
    }
}
