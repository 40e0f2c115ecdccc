import CInterprocessShim
import Interprocess
import SystemPackage
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension MemoryTests {
    /// Anonymous shared memory in one process: sizes, the size seal, and receiving errors.
    @Suite("AnonymousSharedMemory")
    struct AnonymousSharedMemoryTests {
        @Test("new memory is zero-filled, writable, and shows in /proc/self/maps under its label")
        func createsZeroFilledMemory() throws {
            let label = TestSupport.uniqueName("memfd-label")
            let memory = try AnonymousSharedMemory(size: 10_000, label: label)
            let (size, access, allZero) = (memory.size, memory.region.access,
                                           memory.region.withUnsafeBytes { $0.allSatisfy { $0 == 0 } })
            #expect(size == 10_000)
            #expect(access == .readWrite)
            #expect(allZero)
            try MemoryFixtures.write([0x77], to: memory.region, at: 9_999)
            let maps = try MemoryFixtures.readWholeFile("/proc/self/maps").split(separator: "\n")
            let labelled = maps.filter { $0.hasSuffix("/memfd:\(label) (deleted)") }
            #expect(labelled.count == 1, "\(maps.filter { $0.contains("memfd") })")
        }

        @Test("the size seal holds: ftruncate fails with EPERM, and no further seals can be added")
        func sizeSealHolds() throws {
            let memory = try AnonymousSharedMemory(size: 8192)
            let descriptor = memory.descriptor.rawValue
            let seals = ipc_get_seals(descriptor)
            #expect(seals & ipc_seal_shrink() != 0)
            #expect(seals & ipc_seal_grow() != 0)
            #expect(seals & ipc_seal_seal() != 0)

            // Each call's result and errno, read right after the call.
            func outcome(_ call: () -> Int32) -> (result: Int32, errno: Int32) {
                errno = 0
                let result = call()
                return (result, errno)
            }
            let grow = outcome { ftruncate(descriptor, 16_384) }
            let shrink = outcome { ftruncate(descriptor, 4096) }
            let moreSeals = outcome { ipc_add_seals(descriptor, ipc_seal_write()) }
            #expect(grow.result == -1 && grow.errno == EPERM)
            #expect(shrink.result == -1 && shrink.errno == EPERM)
            #expect(moreSeals.result == -1 && moreSeals.errno == EPERM)
            #expect(try MemoryFixtures.fileSize(of: memory.descriptor.rawValue) == 8192)
            // Writing is still allowed: only the size is sealed.
            try MemoryFixtures.write([1], to: memory.region, at: 8191)
        }

        @Test("without sealing the size can change")
        func unsealedCanResize() throws {
            let memory = try AnonymousSharedMemory(size: 8192, sealingSize: false)
            #expect(ftruncate(memory.descriptor.rawValue, 16_384) == 0)
            #expect(try MemoryFixtures.fileSize(of: memory.descriptor.rawValue) == 16_384)
        }

        @Test("a size below 1 throws invalidArgument", arguments: [0, -1, Int.min])
        func invalidSizes(size: Int) {
            let error = #expect(throws: InterprocessError.self) { _ = try AnonymousSharedMemory(size: size) }
            #expect(error?.code == .invalidArgument)
        }

        @Test("an absurd size throws insufficientSpace and nothing crashes")
        func absurdSize() {
            let error = #expect(throws: InterprocessError.self) { _ = try AnonymousSharedMemory(size: Int.max) }
            #expect(error?.code == .insufficientSpace)
        }

        @Test("adopting a descriptor maps the whole object")
        func adoptingDescriptor() throws {
            let memory = try AnonymousSharedMemory(size: 3 * 4096 + 10)
            try MemoryFixtures.write([0xc0, 0xde], to: memory.region, at: 3 * 4096 + 8)
            let copy = dup(memory.descriptor.rawValue)
            #expect(copy >= 0)
            let adopted = try AnonymousSharedMemory(adopting: FileDescriptor(rawValue: copy))
            let (size, sealed, seen) = (adopted.size, adopted.isSizeSealed, MemoryFixtures.read(adopted.region, (3 * 4096 + 8)..<(3 * 4096 + 10)))
            #expect(size == 3 * 4096 + 10)
            #expect(sealed)
            #expect(seen == [0xc0, 0xde])
        }

        @Test("adopting memory without a size seal, or a file that cannot carry seals, reports it unsealed", .timeLimit(.minutes(5)))
        func adoptingUnsealed() throws {
            let unsealed = try AnonymousSharedMemory(size: 4096, sealingSize: false)
            let adoptedMemory = try AnonymousSharedMemory(adopting: FileDescriptor(rawValue: dup(unsealed.descriptor.rawValue)))
            let memorySealed = adoptedMemory.isSizeSealed
            #expect(!memorySealed)

            let path = "/tmp/\(TestSupport.uniqueName("adopt-file"))"
            let file = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            #expect(file >= 0)
            defer { unlink(path) }
            #expect(ftruncate(file, 4096) == 0)
            let adoptedFile = try AnonymousSharedMemory(adopting: FileDescriptor(rawValue: file))
            let (size, sealed) = (adoptedFile.size, adoptedFile.isSizeSealed)
            #expect(size == 4096)
            #expect(!sealed)
        }

        @Test("receiving from a socket whose sender closed it throws peerDied")
        func receiveFromClosedSocket() throws {
            var pair: [Int32] = [-1, -1]
            #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
            defer { close(pair[0]) }
            close(pair[1])
            let error = #expect(throws: InterprocessError.self) {
                _ = try AnonymousSharedMemory(receivingFrom: FileDescriptor(rawValue: pair[0]))
            }
            #expect(error?.code == .peerDied)
        }

        @Test("receiving a message that carries no descriptor throws corrupt")
        func receiveWithoutDescriptor() throws {
            var pair: [Int32] = [-1, -1]
            #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
            defer { close(pair[0]); close(pair[1]) }
            var byte: UInt8 = 0x46
            #expect(write(pair[1], &byte, 1) == 1)
            let error = #expect(throws: InterprocessError.self) {
                _ = try AnonymousSharedMemory(receivingFrom: FileDescriptor(rawValue: pair[0]))
            }
            #expect(error?.code == .corrupt)
        }
    }
}
