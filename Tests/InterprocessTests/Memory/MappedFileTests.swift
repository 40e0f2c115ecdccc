import Interprocess
import SystemPackage
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension MemoryTests {
    /// MappedFile: creation, persistence, windows and their errors, access modes.
    @Suite("MappedFile")
    struct MappedFileTests {
        @Test("contents written through the mapping persist after unmapping and reopening")
        func contentsPersist() throws {
            let directory = try MemoryFixtures.TemporaryDirectory()
            defer { directory.remove() }
            let path = directory.file("persist.bin")
            let pattern = MemoryFixtures.pattern(300, seed: 9)
            do {
                let file = try MappedFile(create: FilePath(path), size: 20_000)
                let (size, offset) = (file.region.count, file.offset)
                #expect(size == 20_000)
                #expect(offset == 0)
                try MemoryFixtures.write(pattern, to: file.region, at: 12_345)
                try file.region.flush()
                _ = consume file
            }
            // The bytes are in the file itself …
            #expect(try MemoryFixtures.readFile(path, offset: 12_345, count: 300) == pattern)
            #expect(MemoryFixtures.status(of: path)?.st_size == 20_000)
            // … and in a new mapping of it.
            let reopened = try MappedFile(open: FilePath(path), access: .readOnly)
            let (size, seen, zeros) = (reopened.region.count, MemoryFixtures.read(reopened.region, 12_345..<12_645),
                                       MemoryFixtures.read(reopened.region, 0..<12_345))
            #expect(size == 20_000)
            #expect(seen == pattern)
            #expect(zeros.allSatisfy { $0 == 0 })
            #expect(reopened.path == FilePath(path))
        }

        @Test("a new file is 0600 by default and gets exactly the mode asked for")
        func createModes() throws {
            let directory = try MemoryFixtures.TemporaryDirectory()
            defer { directory.remove() }
            _ = try MappedFile(create: FilePath(directory.file("default")), size: 4096)
            _ = try MappedFile(create: FilePath(directory.file("shared")), size: 4096, permissions: FilePermissions(rawValue: 0o664))
            #expect(MemoryFixtures.permissionBits(of: directory.file("default")) == 0o600)
            #expect(MemoryFixtures.permissionBits(of: directory.file("shared")) == 0o664)
        }

        @Test("open of a missing file throws notFound")
        func openMissing() throws {
            let directory = try MemoryFixtures.TemporaryDirectory()
            defer { directory.remove() }
            let path = directory.file("absent.bin")
            let error = #expect(throws: InterprocessError.self) { _ = try MappedFile(open: FilePath(path)) }
            #expect(error?.code == .notFound)
            #expect(error?.name == path)
        }

        @Test("create in a missing directory throws notFound")
        func createInMissingDirectory() throws {
            let directory = try MemoryFixtures.TemporaryDirectory()
            defer { directory.remove() }
            let error = #expect(throws: InterprocessError.self) {
                _ = try MappedFile(create: FilePath(directory.file("no/such/dir.bin")), size: 4096)
            }
            #expect(error?.code == .notFound)
        }

        @Test("create over an existing file throws alreadyExists and leaves the file untouched")
        func createOverExisting() throws {
            let directory = try MemoryFixtures.TemporaryDirectory()
            defer { directory.remove() }
            let path = directory.file("existing.bin")
            do {
                let file = try MappedFile(create: FilePath(path), size: 5000)
                try MemoryFixtures.write([0xee, 0xff], to: file.region, at: 4998)
                try file.region.flush()
            }
            let error = #expect(throws: InterprocessError.self) { _ = try MappedFile(create: FilePath(path), size: 8192) }
            #expect(error?.code == .alreadyExists)
            #expect(error?.name == path)
            #expect(MemoryFixtures.status(of: path)?.st_size == 5000)
            #expect(try MemoryFixtures.readFile(path, offset: 4998, count: 2) == [0xee, 0xff])
        }

        @Test("a window at an unaligned offset maps exactly those bytes")
        func unalignedWindow() throws {
            let directory = try MemoryFixtures.TemporaryDirectory()
            defer { directory.remove() }
            let path = directory.file("window.bin")
            let pattern = MemoryFixtures.pattern(4096 * 3, seed: 1)
            do {
                let file = try MappedFile(create: FilePath(path), size: pattern.count)
                try MemoryFixtures.write(pattern, to: file.region, at: 0)
            }
            let window = try MappedFile(open: FilePath(path), offset: 5001, length: 1000)
            let (offset, count, bytes) = (window.offset, window.region.count, MemoryFixtures.read(window.region, 0..<1000))
            #expect(offset == 5001)
            #expect(count == 1000)
            #expect(bytes == Array(pattern[5001..<6001]))
            // Without a length, the window runs to the end of the file.
            let tail = try MappedFile(open: FilePath(path), offset: 4097)
            let (tailCount, tailBytes) = (tail.region.count, MemoryFixtures.read(tail.region, 0..<(pattern.count - 4097)))
            #expect(tailCount == pattern.count - 4097)
            #expect(tailBytes == Array(pattern[4097...]))
        }

        @Test("a window that does not fit in the file throws invalidArgument", arguments: [
            (offset: 10_001, length: nil as Int?),  // starts past the end
            (offset: 9_000, length: 1_001),  // ends past the end
            (offset: 0, length: 10_001),  // longer than the file
            (offset: 10_000, length: nil),  // empty: starts at the end
            (offset: 0, length: 0),  // empty
            (offset: -1, length: 10),  // negative offset
            (offset: 0, length: -5),  // negative length
        ])
        func windowOutsideFile(offset: Int, length: Int?) throws {
            let directory = try MemoryFixtures.TemporaryDirectory()
            defer { directory.remove() }
            let path = directory.file("short.bin")
            _ = try MappedFile(create: FilePath(path), size: 10_000)
            let error = #expect(throws: InterprocessError.self) {
                _ = try MappedFile(open: FilePath(path), offset: offset, length: length)
            }
            #expect(error?.code == .invalidArgument)
            #expect(error?.name == path)
        }

        @Test("copyOnWrite writes stay in the mapping and never reach the file")
        func copyOnWriteIsPrivate() throws {
            let directory = try MemoryFixtures.TemporaryDirectory()
            defer { directory.remove() }
            let path = directory.file("cow.bin")
            let original = MemoryFixtures.pattern(64, seed: 3)
            let changed = MemoryFixtures.pattern(64, seed: 200)
            let shared = try MappedFile(create: FilePath(path), size: 8192)
            try MemoryFixtures.write(original, to: shared.region, at: 100)
            try shared.region.flush()

            do {
                let private_ = try MappedFile(open: FilePath(path), access: .copyOnWrite)
                let access = private_.region.access
                #expect(access == .copyOnWrite)
                try MemoryFixtures.write(changed, to: private_.region, at: 100)
                try private_.region.flush()
                let seenPrivately = MemoryFixtures.read(private_.region, 100..<164)
                let seenShared = MemoryFixtures.read(shared.region, 100..<164)
                #expect(seenPrivately == changed)
                #expect(seenShared == original)
            }
            #expect(try MemoryFixtures.readFile(path, offset: 100, count: 64) == original)
            let reopened = try MappedFile(open: FilePath(path), access: .readOnly)
            let seenAfter = MemoryFixtures.read(reopened.region, 100..<164)
            #expect(seenAfter == original)
        }

        @Test("a readOnly mapping reads the file and refuses writes with readOnly")
        func readOnlyRefusesWrites() throws {
            let directory = try MemoryFixtures.TemporaryDirectory()
            defer { directory.remove() }
            let path = directory.file("ro.bin")
            do {
                let file = try MappedFile(create: FilePath(path), size: 4096)
                try MemoryFixtures.write([0x99], to: file.region, at: 7)
            }
            let file = try MappedFile(open: FilePath(path), access: .readOnly)
            let (access, seen) = (file.region.access, MemoryFixtures.read(file.region, 7..<8))
            #expect(access == .readOnly)
            #expect(seen == [0x99])
            var bodyRan = false
            let error = #expect(throws: InterprocessError.self) {
                try file.region.withUnsafeMutableBytes { _ in bodyRan = true }
            }
            #expect(error?.code == .readOnly)
            #expect(error?.name == path)
            #expect(!bodyRan)
            #expect(try MemoryFixtures.readFile(path, offset: 7, count: 1) == [0x99])
        }

        @Test("a symbolic link is refused unless followingSymlinks is set")
        func symlinksRefusedByDefault() throws {
            let directory = try MemoryFixtures.TemporaryDirectory()
            defer { directory.remove() }
            let target = directory.file("target.bin"), link = directory.file("link.bin")
            do {
                let file = try MappedFile(create: FilePath(target), size: 4096)
                try MemoryFixtures.write([0x31], to: file.region, at: 0)
            }
            #expect(symlink(target, link) == 0)
            let error = #expect(throws: InterprocessError.self) { _ = try MappedFile(open: FilePath(link)) }
            #expect(error?.errno == .tooManySymbolicLinkLevels)
            #expect(error?.code == .invalidArgument)
            let followed = try MappedFile(open: FilePath(link), access: .readOnly, followingSymlinks: true)
            let seen = MemoryFixtures.read(followed.region, 0..<1)
            #expect(seen == [0x31])
        }
    }
}
