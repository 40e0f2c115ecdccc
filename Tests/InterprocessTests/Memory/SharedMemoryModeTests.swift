import Interprocess
import SystemPackage
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension MemoryTests {
    /// New segments get exactly the mode asked for (default 0600), whatever the umask.
    @Suite("SharedMemory permissions on creation", .timeLimit(.minutes(5)))
    struct SharedMemoryModeTests {
        @Test("a new segment is 0600 and owned by the caller by default")
        func defaultModeIsOwnerOnly() throws {
            let name = TestSupport.uniqueName("mode")
            defer { try? SharedMemory.remove(name) }
            _ = try SharedMemory(create: name, size: 4096)
            let info = try #require(MemoryFixtures.status(of: MemoryFixtures.shmPath(name)))
            #expect(info.st_mode & 0o7777 == 0o600)
            #expect(info.st_mode & S_IFMT == S_IFREG)
            #expect(info.st_uid == geteuid())
        }

        @Test("openOrCreate also creates 0600 by default")
        func openOrCreateDefaultMode() throws {
            let name = TestSupport.uniqueName("mode-ooc")
            defer { try? SharedMemory.remove(name) }
            _ = try SharedMemory(openOrCreate: name, size: 4096)
            #expect(MemoryFixtures.permissionBits(of: MemoryFixtures.shmPath(name)) == 0o600)
        }

        // The umask is per process, so each case runs in its own process (an exit test) and the
        // other tests running in this one are not disturbed.
        @Test("the requested mode is applied exactly, whatever the umask", arguments: [
            (mode: 0o640 as UInt16, umask: 0o077 as UInt16),
            (mode: 0o666, umask: 0o022),
            (mode: 0o604, umask: 0o027),
        ])
        func requestedModeIgnoresUmask(mode: UInt16, umask mask: UInt16) async throws {
            let name = TestSupport.uniqueName("mode-\(String(mode, radix: 8))")
            defer { try? SharedMemory.remove(name) }
            await #expect(processExitsWith: .success) { [name = name as String, mode, mask] in
                _ = umask(mode_t(mask))
                _ = try SharedMemory(create: name, size: 4096, permissions: FilePermissions(rawValue: CModeT(mode)))
            }
            #expect(MemoryFixtures.permissionBits(of: MemoryFixtures.shmPath(name)) == mode_t(mode))
        }
    }
}
