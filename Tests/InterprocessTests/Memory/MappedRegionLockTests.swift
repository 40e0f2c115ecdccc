import Interprocess
import SystemPackage
import Testing

extension MemoryTests {
    /// lockInMemory / unlockFromMemory, checked against the kernel's count of locked memory.
    /// Serialized: the count is per process, so no other lock test may run alongside.
    @Suite("MappedRegion lock in memory", .serialized)
    struct MappedRegionLockTests {
        /// `VmLck` from /proc/self/status, in bytes.
        static func lockedBytes() throws -> Int {
            let status = try MemoryFixtures.readWholeFile("/proc/self/status")
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmLck:") }),
                  let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])
            else { throw TestFailure("no VmLck in /proc/self/status") }
            return kilobytes * 1024
        }

        @Test("locking the whole region counts it as locked; unlocking releases it",
              .enabled(if: !Sanitizers.active, "sanitizer runtimes turn mlock into a no-op"))
        func lockWholeRegion() throws {
            let directory = try MemoryFixtures.TemporaryDirectory()
            defer { directory.remove() }
            let size = 64 * 4096
            let file = try MappedFile(create: FilePath(directory.file("lock.bin")), size: size)
            let before = try Self.lockedBytes()
            try file.region.lockInMemory()
            let locked = try Self.lockedBytes()
            #expect(locked - before == size)
            try file.region.unlockFromMemory()
            #expect(try Self.lockedBytes() == before)
        }

        @Test("locking a range locks the pages covering it",
              .enabled(if: !Sanitizers.active, "sanitizer runtimes turn mlock into a no-op"))
        func lockRange() throws {
            let name = TestSupport.uniqueName("lock")
            defer { try? SharedMemory.remove(name) }
            let memory = try SharedMemory(create: name, size: 16 * 4096)
            let before = try Self.lockedBytes()
            // 4095..<8193 touches three pages: the first, the second, the third.
            try memory.region.lockInMemory(4095..<8193)
            #expect(try Self.lockedBytes() - before == 3 * 4096)
            try memory.region.unlockFromMemory(4095..<8193)
            #expect(try Self.lockedBytes() == before)
        }

        @Test("a range outside the region throws invalidArgument")
        func rangeOutside() throws {
            let name = TestSupport.uniqueName("lock-outside")
            defer { try? SharedMemory.remove(name) }
            let memory = try SharedMemory(create: name, size: 4096)
            let before = try Self.lockedBytes()
            for range in [-4096..<0, 0..<4097, 4096..<8192] {
                let lock = #expect(throws: InterprocessError.self) { try memory.region.lockInMemory(range) }
                #expect(lock?.code == .invalidArgument)
                let unlock = #expect(throws: InterprocessError.self) { try memory.region.unlockFromMemory(range) }
                #expect(unlock?.code == .invalidArgument)
            }
            #expect(try Self.lockedBytes() == before)
        }
    }
}
