import Interprocess
import SystemPackage
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension MemoryTests {
    /// MirroredRegion: the same pages mapped twice back to back, in this process and others.
    @Suite("MirroredRegion", .timeLimit(.minutes(1)))
    struct MirroredRegionTests {
        static let page = MappedRegion.pageSize

        /// Writes `bytes` so that they run `overhang` bytes past the region's end.
        static func writeAcrossEnd(_ region: borrowing MirroredRegion, _ bytes: [UInt8], overhang: Int) {
            (region.baseAddress + region.count - (bytes.count - overhang)).copyMemory(from: bytes, byteCount: bytes.count)
        }

        @Test("a write across the end shows at the start, and the start shows after the end")
        func writeAcrossEnd() throws {
            let region = try MirroredRegion(size: 4 * Self.page)
            let bytes = MemoryFixtures.pattern(12, seed: 7)
            Self.writeAcrossEnd(region, bytes, overhang: 5)
            let start = Array(UnsafeRawBufferPointer(start: region.baseAddress, count: 5))
            #expect(start == Array(bytes[7...]))
            region.baseAddress.storeBytes(of: 0xAB, toByteOffset: 100, as: UInt8.self)
            let mirrored = region.baseAddress.load(fromByteOffset: region.count + 100, as: UInt8.self)
            #expect(mirrored == 0xAB)
            let whole = region.withUnsafeMutableBytes { $0.count }
            #expect(whole == 2 * region.count)
        }

        @Test("sizes that are not positive page multiples are rejected with invalidArgument", arguments: [0, -4096, 100, 4097, 3 * 4096 + 1])
        func badSizes(size: Int) throws {
            #expect(throws: InterprocessError.self) { _ = try MirroredRegion(size: size) }
            do {
                _ = try MirroredRegion(size: size)
            } catch {
                #expect(error.code == .invalidArgument)
                #expect(error.description.contains("multiple of the page size"))
            }
            #expect(MirroredRegion.roundedSize(size) % Self.page == 0)
            #expect(MirroredRegion.roundedSize(size) >= Swift.max(size, 1))
        }

        @Test("another process maps the memfd it received and reads across the end contiguously")
        func anonymousAcrossProcesses() throws {
            let region = try MirroredRegion(size: 2 * Self.page)
            let bytes = MemoryFixtures.pattern(16, seed: 3)
            Self.writeAcrossEnd(region, bytes, overhang: 6)
            let directory = try MemoryFixtures.TemporaryDirectory()
            defer { directory.remove() }
            let listener = try MemoryFixtures.UnixListener(path: directory.file("mirror.sock"))
            let peer = try TestSupport.BackgroundPeer(["mirror-receive", listener.path, String(region.count - 10), "16"])
            let connection = try listener.accept()
            defer { close(connection) }
            try region.send(over: FileDescriptor(rawValue: connection))
            let outcome = try peer.wait()
            #expect(outcome.status == 0, "\(outcome)")
            #expect(outcome.standardOutput.split(separator: "\n") == ["size \(region.count)", "bytes \(MemoryFixtures.hex(bytes))"])
        }

        @Test("a named region: a peer's write past the end lands at our start; open of a bad size and openOrCreate of another size fail")
        func named() throws {
            let name = TestSupport.uniqueName("mirror")
            defer { try? MirroredRegion.remove(name) }
            let region = try MirroredRegion(create: name, size: Self.page)
            let bytes = MemoryFixtures.pattern(8, seed: 9)
            let outcome = try TestSupport.peer("mirror-open", name, String(Self.page - 4), "8", MemoryFixtures.hex(bytes))
            #expect(outcome.status == 0, "\(outcome)")
            #expect(outcome.standardOutput.split(separator: "\n") == ["size \(Self.page)", "bytes \(MemoryFixtures.hex(bytes))"])
            let start = Array(UnsafeRawBufferPointer(start: region.baseAddress, count: 4))
            #expect(start == Array(bytes[4...]))
            let again = try MirroredRegion(openOrCreate: name, size: Self.page)
            #expect(again.count == Self.page)
            #expect(throws: InterprocessError.self) { _ = try MirroredRegion(openOrCreate: name, size: 2 * Self.page) }

            let odd = TestSupport.uniqueName("mirror-odd")
            defer { try? SharedMemory.remove(odd) }
            _ = try SharedMemory(create: odd, size: 100)
            do {
                _ = try MirroredRegion(open: odd)
                Issue.record("a 100-byte segment opened as a mirrored region")
            } catch {
                #expect(error.code == .invalidArgument)
            }
        }
    }
}
