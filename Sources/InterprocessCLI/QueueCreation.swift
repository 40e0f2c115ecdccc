import Interprocess
import SystemPackage

/// `create --kind spsc|mpmc|raw`: makes the segment and leaves it for others (persistent).
enum QueueCreation {
    static func createSPSC(_ name: String, capacity: Int, maximumRecordSize: Int,
                           permissions: FilePermissions) throws(InterprocessError) {
        _ = try SPSCQueue(create: name, capacity: capacity, maximumRecordSize: maximumRecordSize, permissions: permissions)
    }

    static func createMPMC(_ name: String, slotCount: Int, slotSize: Int,
                           permissions: FilePermissions) throws(InterprocessError) {
        _ = try MPMCQueue(create: name, slotCount: slotCount, slotSize: slotSize, permissions: permissions)
    }

    static func createRaw(_ name: String, bodySize: Int, permissions: FilePermissions) throws(InterprocessError) {
        _ = try Segment(create: name, kind: .raw, bodySize: bodySize, permissions: permissions)
    }
}
