import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension MemoryTests {
    /// RegionTextStream, RegionTextReader and MemoryFILE over shared memory.
    @Suite("Memory streams", .timeLimit(.minutes(1)))
    struct MemoryStreamTests {
        @Test("print(to:) into a shared region, read back line by line in another process")
        func swiftPrintReadElsewhere() throws {
            let name = TestSupport.uniqueName("text")
            defer { try? SharedMemory.remove(name) }
            let memory = try SharedMemory(create: name, size: 4096)
            var stream = RegionTextStream(over: memory.region.baseAddress, count: memory.size)
            print("hello", 42, to: &stream)
            print("héllo wörld", to: &stream)
            try stream.checkNotTruncated()
            #expect(stream.position == "hello 42\nhéllo wörld\n".utf8.count)
            let outcome = try TestSupport.peer("text-read", name)
            #expect(outcome.status == 0, "\(outcome)")
            #expect(outcome.standardOutput.split(separator: "\n") == ["line hello 42", "line héllo wörld"])
        }

        @Test("fprintf from C (vfprintf on a MemoryFILE) and print(to:) in another process, read back here", arguments: ["c", "swift"])
        func printedElsewhere(how: String) throws {
            let name = TestSupport.uniqueName("cfile")
            defer { try? SharedMemory.remove(name) }
            let memory = try SharedMemory(create: name, size: 4096)
            let outcome = try TestSupport.peer("text-print", name, how, "1234")
            #expect(outcome.status == 0, "\(outcome)")
            #expect(outcome.standardOutput == "printed \("value 1234\npi 3.14\n".utf8.count)\n")
            var reader = RegionTextReader(over: UnsafeRawPointer(memory.region.baseAddress), count: memory.size)
            #expect(reader.next() == "value 1234")
            #expect(reader.next() == "pi 3.14")
            #expect(reader.next() == nil)
        }

        @Test("a full region: the text stream cuts at a scalar boundary and reports it; the FILE fails the write and close throws")
        func fullRegion() throws {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 8, alignment: 8)
            defer { buffer.deallocate() }
            buffer.initializeMemory(as: UInt8.self, repeating: 0xFF)
            var stream = RegionTextStream(over: buffer.baseAddress!, count: 8)
            stream.write("abcdé")          // 6 bytes
            stream.write("éé")             // 4 bytes: only one é fits whole
            stream.write("x")              // dropped too: no holes
            #expect(stream.position == 8)
            #expect(stream.droppedByteCount == 3)
            #expect(String(decoding: UnsafeRawBufferPointer(buffer), as: UTF8.self) == "abcdéé")
            #expect(throws: InterprocessError.self) { try stream.checkNotTruncated() }

            buffer.initializeMemory(as: UInt8.self, repeating: 0)
            do {
                try MemoryFILE.withFILE(over: buffer.baseAddress!, count: 8, mode: .write) { file in
                    setvbuf(file, nil, _IONBF, 0)
                    #expect(fputs("1234567", file) >= 0)
                    #expect(fputs("89", file) == EOF)
                }
                Issue.record("closing a truncated FILE did not throw")
            } catch {
                #expect(error.code == .insufficientSpace)
            }
            #expect(String(decoding: UnsafeRawBufferPointer(buffer), as: UTF8.self) == "12345678")
        }

        @Test("fseek stays within the region; SEEK_END counts from the end of what was written; reads stop at the end")
        func seekBounds() throws {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 16, alignment: 8)
            defer { buffer.deallocate() }
            buffer.initializeMemory(as: UInt8.self, repeating: 0)
            try MemoryFILE.withFILE(over: buffer.baseAddress!, count: 16, mode: .readWrite) { file in
                fputs("abcdef", file)
                #expect(fseek(file, 17, SEEK_SET) == -1)
                #expect(errno == EINVAL)
                #expect(fseek(file, -1, SEEK_SET) == -1)
                #expect(fseek(file, 16, SEEK_SET) == 0)
                #expect(fseek(file, -2, SEEK_END) == 0)
                #expect(ftell(file) == 4)
                #expect(fgetc(file) == Int32(UInt8(ascii: "e")))
                #expect(fseek(file, 14, SEEK_SET) == 0)
                var chunk = [UInt8](repeating: 0, count: 8)
                #expect(fread(&chunk, 1, 8, file) == 2)
                #expect(feof(file) != 0)
            }
            var reader = RegionTextReader(over: UnsafeRawPointer(buffer.baseAddress!), count: 16)
            #expect(reader.end == 6)
            #expect(reader.read(upTo: 4) == Array("abcd".utf8))
            #expect(reader.readToEnd() == "ef")
            #expect(reader.isAtEnd)
        }
    }
}
