import Foundation
import Interprocess
import Testing

/// `remove(_:)` of queues and named primitives removes only its own kind: another kind's
/// segment under the name is left alone with `wrongKind`, a foreign file with `foreignSegment`.
@Suite("remove checks the segment's kind", .timeLimit(.minutes(1)))
struct RemoveKindTests {
    @Test("SPSCQueue.remove of a mutex's name throws wrongKind naming both kinds and leaves it")
    func queueRemoveRefusesMutex() throws {
        let name = TestSupport.uniqueName("rm-kind-mx")
        _ = try ProcessMutex(create: name)
        defer { try? ProcessMutex.remove(name) }
        let error = interprocessError { try SPSCQueue.remove(name) }
        #expect(error?.code == .wrongKind)
        #expect(error?.description.contains("it is a mutex, not an SPSC queue") == true, "\(String(describing: error))")
        #expect(error?.description.contains("Could not remove queue") == true, "\(String(describing: error))")
        #expect(interprocessError { try MPMCQueue.remove(name) }?.code == .wrongKind)
        #expect(SharedMemory.exists(name))
        try ProcessMutex.remove(name)
        #expect(!SharedMemory.exists(name))
    }

    @Test("primitives' and the other queue's remove refuse a queue; each removes its own kind")
    func primitivesRefuseQueues() throws {
        let spsc = TestSupport.uniqueName("rm-kind-spsc"), mpmc = TestSupport.uniqueName("rm-kind-mpmc")
        _ = try SPSCQueue(create: spsc, capacity: 256, maximumRecordSize: 16)
        defer { try? SPSCQueue.remove(spsc) }
        _ = try MPMCQueue(create: mpmc, slotCount: 4, slotSize: 16)
        defer { try? MPMCQueue.remove(mpmc) }
        for name in [spsc, mpmc] {
            #expect(interprocessError { try ProcessMutex.remove(name) }?.code == .wrongKind)
            #expect(interprocessError { try ProcessCondition.remove(name) }?.code == .wrongKind)
            #expect(interprocessError { try ProcessSemaphore.remove(name) }?.code == .wrongKind)
            #expect(interprocessError { try ProcessEvent.remove(name) }?.code == .wrongKind)
            #expect(interprocessError { try ProcessRWLock.remove(name) }?.code == .wrongKind)
        }
        let error = interprocessError { try MPMCQueue.remove(spsc) }
        #expect(error?.code == .wrongKind)
        #expect(error?.description.contains("it is an SPSC queue, not an MPMC queue") == true, "\(String(describing: error))")
        #expect(interprocessError { try SPSCQueue.remove(mpmc) }?.code == .wrongKind)
        try SPSCQueue.remove(spsc)
        try MPMCQueue.remove(mpmc)
        #expect(!SharedMemory.exists(spsc) && !SharedMemory.exists(mpmc))
        #expect(interprocessError { try SPSCQueue.remove(spsc) }?.code == .notFound)
    }

    @Test("a file without the library's header is foreignSegment; an empty one is removed")
    func foreignAndEmptySegments() throws {
        let foreign = TestSupport.uniqueName("rm-kind-foreign"), empty = TestSupport.uniqueName("rm-kind-empty")
        do {
            let memory = try SharedMemory(create: foreign, size: 4096)
            memory.region.baseAddress.storeBytes(of: UInt64(0x1234_5678), as: UInt64.self)
        }
        defer { try? SharedMemory.remove(foreign) }
        #expect(interprocessError { try SPSCQueue.remove(foreign) }?.code == .foreignSegment)
        #expect(interprocessError { try ProcessMutex.remove(foreign) }?.code == .foreignSegment)
        #expect(SharedMemory.exists(foreign))
        let path = "/dev/shm/\(empty)"
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        try SPSCQueue.remove(empty)
        #expect(!SharedMemory.exists(empty))
    }
}
