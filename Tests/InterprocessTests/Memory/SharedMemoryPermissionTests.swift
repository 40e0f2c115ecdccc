import Interprocess
import SystemPackage
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension MemoryTests {
    /// Mode bits keep other users out: the peer drops to `nobody` and tries. Needs root, to drop.
    @Suite("SharedMemory permissions against another user",
           .enabled(if: geteuid() == 0, "dropping to user nobody needs root"),
           .timeLimit(.minutes(5)))
    struct SharedMemoryPermissionTests {
        @Test("a 0600 segment of root's cannot be opened by nobody, read-write or read-only")
        func ownerOnlySegmentRefusesOthers() throws {
            let name = TestSupport.uniqueName("perm-0600")
            defer { try? SharedMemory.remove(name) }
            _ = try SharedMemory(create: name, size: 4096)

            for arguments in [["shm-open", name], ["shm-open", name, "read-only"], ["shm-read", name, "0", "4", "read-only"]] {
                let outcome = try TestSupport.run(TestSupport.executable("interprocess-test-peer"), ["as-nobody"] + arguments)
                #expect(outcome.status == 1, "\(arguments): \(outcome)")
                #expect(outcome.standardOutput == "error permissionDenied\n", "\(arguments): \(outcome)")
                #expect(outcome.standardError.contains(name))
            }
        }

        @Test("a 0644 segment can be read by nobody, but not written")
        func worldReadableSegment() throws {
            let name = TestSupport.uniqueName("perm-0644")
            defer { try? SharedMemory.remove(name) }
            let memory = try SharedMemory(create: name, size: 4096, permissions: FilePermissions(rawValue: 0o644))
            try MemoryFixtures.write([0xfe, 0xed], to: memory.region, at: 2)

            let read = try TestSupport.peer("as-nobody", "shm-read", name, "0", "4", "read-only")
            #expect(read.status == 0, "\(read)")
            #expect(read.standardOutput == "0000feed\n")
            let write = try TestSupport.peer("as-nobody", "shm-write", name, "0", "01")
            #expect(write.status == 1, "\(write)")
            #expect(write.standardOutput == "error permissionDenied\n")
            let unchanged = MemoryFixtures.read(memory.region, 0..<1)
            #expect(unchanged == [0])
        }

        @Test("nobody cannot remove root's segment from the sticky /dev/shm")
        func otherUserCannotRemove() throws {
            let name = TestSupport.uniqueName("perm-rm")
            defer { try? SharedMemory.remove(name) }
            _ = try SharedMemory(create: name, size: 4096, permissions: FilePermissions(rawValue: 0o666))
            let outcome = try TestSupport.peer("as-nobody", "shm-remove", name)
            #expect(outcome.status == 1, "\(outcome)")
            #expect(outcome.standardOutput == "error permissionDenied\n")
            #expect(SharedMemory.exists(name))
        }
    }
}
