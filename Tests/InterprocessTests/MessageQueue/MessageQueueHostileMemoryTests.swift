import Foundation
import Interprocess
import Testing

/// A ``MessageQueue`` whose shared words were rewritten by a hostile or broken peer: every such
/// word is a typed `corrupt` error (or a `problem` in the snapshot), never a trap, a read
/// outside the mapping or a hang, and the lock is not left held.
@Suite("Message queue hostile memory", .timeLimit(.minutes(1)))
struct MessageQueueHostileMemoryTests {
    /// Offsets in the body (docs/FORMAT.md, "Message queue"); the body starts after the 128-byte
    /// segment header.
    static let body = 128, count = 32, order = 384, capacityWord = 8, tag = 0

    /// A queue of 4 messages of 8 bytes, its raw mapping, and a writer of its words.
    final class Fixture {
        let name: String
        let queue: MessageQueue
        let memory: SharedMemory

        init(_ label: String) throws {
            name = TestSupport.uniqueName(label)
            queue = try MessageQueue(create: name, capacity: 4, maximumSize: 8)
            memory = try SharedMemory(open: name)
        }

        deinit { try? MessageQueue.remove(name) }

        func store<T: BitwiseCopyable>(_ value: T, at offset: Int) {
            (memory.region.baseAddress + MessageQueueHostileMemoryTests.body + offset).storeBytes(of: value, as: T.self)
        }

        /// The slots start after the order (4 entries of 16 bytes), on a 64-byte line.
        var slotsOffset: Int { (MessageQueueHostileMemoryTests.order + 4 * 16 + 63) & ~63 }
    }

    static func isCorrupt(_ error: any Error) -> Bool { (error as? InterprocessError)?.code == .corrupt }

    @Test("a count above the capacity: sends and receives throw corrupt and release the lock; state reports it")
    func countAboveCapacity() throws {
        let fixture = try Fixture("mq-hostile-count")
        let queue = fixture.queue
        fixture.store(UInt32(1_000_000), at: Self.count)
        #expect(throws: InterprocessError.self) { try queue.send(UInt64(1)) }
        #expect { try queue.send(UInt64(1)) } throws: { Self.isCorrupt($0) }
        #expect { try queue.tryReceive(as: UInt64.self) } throws: { Self.isCorrupt($0) }
        #expect(queue.state.problem != nil)
        #expect(queue.state.lockOwner == nil)
        fixture.store(UInt32(0), at: Self.count)
        try queue.send(UInt64(7))
        #expect(try queue.tryReceive(as: UInt64.self)?.value == 7)
    }

    @Test("an order entry naming a slot past the capacity, or disagreeing with its slot, is corrupt")
    func badEntries() throws {
        let fixture = try Fixture("mq-hostile-entry")
        let queue = fixture.queue
        try queue.send(UInt64(1))
        fixture.store(UInt32.max, at: Self.order + 12)
        #expect { try queue.tryReceive(as: UInt64.self) } throws: { Self.isCorrupt($0) }
        fixture.store(UInt32(0), at: Self.order + 12)
        fixture.store(UInt64(999), at: Self.order)              // the entry's sequence
        #expect { try queue.tryReceive(as: UInt64.self) } throws: { Self.isCorrupt($0) }
        fixture.store(UInt64(1), at: Self.order)
        fixture.store(UInt32(1 << 30), at: fixture.slotsOffset + 12)  // the slot's length
        #expect { try queue.tryReceive(as: UInt64.self) } throws: { Self.isCorrupt($0) }
        fixture.store(UInt32(8), at: fixture.slotsOffset + 12)
        #expect(try queue.tryReceive(as: UInt64.self)?.value == 1)
        // The queue is empty: the first free entry names slot 0, which now claims a message.
        fixture.store(UInt32(0), at: Self.order + 12)
        fixture.store(UInt64(77), at: fixture.slotsOffset)
        #expect { try queue.send(UInt64(2)) } throws: { Self.isCorrupt($0) }
        #expect(queue.state.lockOwner == nil)
    }

    @Test("a body that is not a message queue's, or whose configuration does not fit it, does not open")
    func badBody() throws {
        let fixture = try Fixture("mq-hostile-body")
        fixture.store(UInt32(5), at: Self.capacityWord)
        #expect { try MessageQueue(open: fixture.name) } throws: { Self.isCorrupt($0) }
        fixture.store(UInt32(0), at: Self.capacityWord)
        #expect { try MessageQueue(open: fixture.name) } throws: { Self.isCorrupt($0) }
        fixture.store(UInt32(4), at: Self.capacityWord)
        fixture.store(UInt32(0xDEAD), at: Self.tag)
        #expect { try MessageQueue(open: fixture.name) } throws: { Self.isCorrupt($0) }
    }
}
