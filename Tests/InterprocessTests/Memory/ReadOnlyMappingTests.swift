import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension MemoryTests {
    /// A read-only mapping cannot be written: the API refuses, and a raw write faults.
    @Suite("Read-only mappings", .timeLimit(.minutes(5)))
    struct ReadOnlyMappingTests {
        @Test("withUnsafeMutableBytes on a read-only segment throws readOnly without running the body")
        func mutableAccessThrows() throws {
            let name = TestSupport.uniqueName("ro")
            defer { try? SharedMemory.remove(name) }
            let writer = try SharedMemory(create: name, size: 4096)
            try MemoryFixtures.write([0x10], to: writer.region, at: 0)
            let reader = try SharedMemory(open: name, access: .readOnly)
            let access = reader.region.access
            #expect(access == .readOnly)

            var bodyRan = false
            let error = #expect(throws: InterprocessError.self) {
                try reader.region.withUnsafeMutableBytes { _ in bodyRan = true }
            }
            #expect(error?.code == .readOnly)
            #expect(error?.name == name)
            #expect(!bodyRan)
            // Reading works, and sees later writes through the writable mapping.
            try MemoryFixtures.write([0x20], to: writer.region, at: 0)
            let seen = MemoryFixtures.read(reader.region, 0..<1)
            #expect(seen == [0x20])
        }

        @Test("a raw store through a read-only mapping dies with SIGSEGV")
        func rawWriteFaults() async throws {
            let name = TestSupport.uniqueName("ro-segv")
            defer { try? SharedMemory.remove(name) }
            let memory = try SharedMemory(create: name, size: 4096)
            // A sanitizer runtime catches the fault and exits with an error status instead.
            await #expect(processExitsWith: Sanitizers.active ? .failure : .signal(SIGSEGV)) { [name = name as String] in
                let reader = try SharedMemory(open: name, access: .readOnly)
                reader.region.baseAddress.storeBytes(of: 0xff, toByteOffset: 100, as: UInt8.self)
            }
            let untouched = MemoryFixtures.read(memory.region, 100..<101)
            #expect(untouched == [0])
        }

        @Test("the same raw store through a read-write mapping succeeds (the control)")
        func rawWriteThroughWritableMappingWorks() async throws {
            let name = TestSupport.uniqueName("rw-store")
            defer { try? SharedMemory.remove(name) }
            let memory = try SharedMemory(create: name, size: 4096)
            await #expect(processExitsWith: .success) { [name = name as String] in
                let writer = try SharedMemory(open: name, access: .readWrite)
                writer.region.baseAddress.storeBytes(of: 0xff, toByteOffset: 100, as: UInt8.self)
            }
            let written = MemoryFixtures.read(memory.region, 100..<101)
            #expect(written == [0xff])
        }
    }
}
