import Interprocess
import SystemPackage

// MERGE: the one place `interprocess create` makes queues. The queue rewrite (a colleague's
// branch) turns `SPSCQueue.create`/`MPMCQueue.create` into `SPSCQueue(create:…)` values: adapt
// these two functions and nothing else.

/// `create --kind spsc|mpmc`, against the queues' creation API.
enum QueueCreation {
    static func createSPSC(_ name: String, capacity: Int, maximumRecordSize: Int,
                           permissions: FilePermissions) throws(InterprocessError) {
        do {
            try SPSCQueue.create(name, capacity: capacity, maximumRecordSize: maximumRecordSize, permissions: permissions)
        } catch {
            throw asLibraryError(error, name: name)
        }
    }

    static func createMPMC(_ name: String, slotCount: Int, slotSize: Int,
                           permissions: FilePermissions) throws(InterprocessError) {
        do {
            try MPMCQueue.create(name, slotCount: slotCount, slotSize: slotSize, permissions: permissions)
        } catch {
            throw asLibraryError(error, name: name)
        }
    }

    /// Today's queue creation throws untyped errors; they are always `InterprocessError`.
    private static func asLibraryError(_ error: any Error, name: String) -> InterprocessError {
        (error as? InterprocessError)
            ?? InterprocessError(.systemError, operation: "create queue", name: name, reason: "\(error)")
    }
}
