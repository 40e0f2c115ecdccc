import Interprocess
import Testing

extension MemoryTests {
    /// `.persistent` segments outlive their creator's handle; `.removedWhenCreatorCloses` ones don't.
    @Suite("SharedMemory lifetime")
    struct SharedMemoryLifetimeTests {
        @Test("removedWhenCreatorCloses removes the name when the creator's handle goes away")
        func removedWhenCreatorCloses() throws {
            let name = TestSupport.uniqueName("scoped")
            defer { try? SharedMemory.remove(name) }
            let opener: SharedMemory
            do {
                let creator = try SharedMemory(create: name, size: 4096, lifetime: .removedWhenCreatorCloses)
                let lifetime = creator.lifetime
                #expect(lifetime == .removedWhenCreatorCloses)
                try MemoryFixtures.write([0x5a], to: creator.region, at: 17)
                opener = try SharedMemory(open: name)
                #expect(SharedMemory.exists(name))
                _ = consume creator
            }
            #expect(!SharedMemory.exists(name))
            let error = #expect(throws: InterprocessError.self) { _ = try SharedMemory(open: name) }
            #expect(error?.code == .notFound)
            // A process that had it open keeps its mapping and the data.
            let kept = MemoryFixtures.read(opener.region, 17..<18)
            #expect(kept == [0x5a])
        }

        @Test("persistent (the default) keeps the name and the data after the handle goes away")
        func persistentOutlivesHandle() throws {
            let name = TestSupport.uniqueName("persist")
            defer { try? SharedMemory.remove(name) }
            do {
                let creator = try SharedMemory(create: name, size: 4096)
                let lifetime = creator.lifetime
                #expect(lifetime == .persistent)
                try MemoryFixtures.write([0x11, 0x22], to: creator.region, at: 4000)
                _ = consume creator
            }
            #expect(SharedMemory.exists(name))
            let reopened = try SharedMemory(open: name)
            let kept = MemoryFixtures.read(reopened.region, 4000..<4002)
            #expect(kept == [0x11, 0x22])
        }

        @Test("only the creator removes: an openOrCreate that opened leaves the name")
        func openerNeverRemoves() throws {
            let name = TestSupport.uniqueName("opener")
            defer { try? SharedMemory.remove(name) }
            let creator = try SharedMemory(create: name, size: 4096)
            do {
                let opened = try SharedMemory(openOrCreate: name, size: 4096, lifetime: .removedWhenCreatorCloses)
                let wasCreated = opened.wasCreated
                #expect(!wasCreated)
                _ = consume opened
            }
            #expect(SharedMemory.exists(name))
            let size = creator.size
            #expect(size == 4096)
        }

        @Test("an openOrCreate that created with removedWhenCreatorCloses removes the name")
        func openOrCreateCreatorRemoves() throws {
            let name = TestSupport.uniqueName("ooc-scoped")
            defer { try? SharedMemory.remove(name) }
            do {
                let created = try SharedMemory(openOrCreate: name, size: 4096, lifetime: .removedWhenCreatorCloses)
                let wasCreated = created.wasCreated
                #expect(wasCreated)
                #expect(SharedMemory.exists(name))
                _ = consume created
            }
            #expect(!SharedMemory.exists(name))
        }
    }
}
