import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension MemoryTests {
    /// Names that break a rule are refused with invalidName, a message naming the rule, and no
    /// file in /dev/shm.
    @Suite("Segment name validation")
    struct SegmentNameValidationTests {
        /// One broken rule: a way to build a bad name, and words the error must contain.
        enum BadName: String, CaseIterable, CustomTestStringConvertible {
            case empty, slash, leadingSlash, leadingDot, dot, dotDot, tooLong, space, nonASCII, control

            func name(unique: String) -> String {
                switch self {
                case .empty: return ""
                case .slash: return unique + "/sub"
                case .leadingSlash: return "/" + unique
                case .leadingDot: return "." + unique
                case .dot: return "."
                case .dotDot: return ".."
                case .tooLong: return unique + String(repeating: "y", count: 256 - unique.utf8.count)
                case .space: return unique + " x"
                case .nonASCII: return unique + "-café"
                case .control: return unique + "\t"
                }
            }

            var rule: String {
                switch self {
                case .empty: return "must not be empty"
                case .slash, .leadingSlash: return "contains '/'; only letters, digits, '.', '_' and '-' are allowed"
                case .leadingDot, .dot, .dotDot: return "must not start with '.'"
                case .tooLong: return "256 bytes long; the limit is 255"
                case .space: return "contains ' '; only letters, digits"
                case .nonASCII: return "contains byte 0xc3; only letters, digits"
                case .control: return "contains byte 0x9; only letters, digits"
                }
            }

            var testDescription: String { rawValue }
        }

        @Test("a bad name is refused by every entry point", arguments: BadName.allCases)
        func badNameRefused(_ bad: BadName) throws {
            let unique = TestSupport.uniqueName("bad")
            let name = bad.name(unique: unique)
            // Should a broken check let a name through, remove what it created all the same.
            let createdPath = MemoryFixtures.shmPath(name)
            let canBeAFile = name.contains(unique) && !name.contains("/") && name.utf8.count <= 255
            defer { if canBeAFile { unlink(createdPath) } }
            func check(_ error: InterprocessError?, _ what: String) {
                #expect(error?.code == .invalidName, "\(what)")
                #expect(error?.name == name, "\(what)")
                #expect(error?.reason.contains(bad.rule) == true, "\(what): \(String(describing: error))")
            }
            check(#expect(throws: InterprocessError.self) { _ = try SegmentName(name) }, "SegmentName")
            check(#expect(throws: InterprocessError.self) { _ = try SharedMemory(create: name, size: 4096) }, "create")
            check(#expect(throws: InterprocessError.self) { _ = try SharedMemory(open: name) }, "open")
            check(#expect(throws: InterprocessError.self) { _ = try SharedMemory(openOrCreate: name, size: 4096) }, "openOrCreate")
            check(#expect(throws: InterprocessError.self) { try SharedMemory.remove(name) }, "remove")
            #expect(!SharedMemory.exists(name))
            // Nothing was created under any spelling of the name.
            if canBeAFile {
                #expect(MemoryFixtures.status(of: createdPath) == nil)
            }
            #expect(MemoryFixtures.status(of: MemoryFixtures.shmPath(unique)) == nil)
        }

        @Test("names built from every allowed character are accepted")
        func goodNamesAccepted() throws {
            for suffix in ["ABCxyz", "0123456789", "a.b_c-d", "dots..inside", "trailing."] {
                let name = TestSupport.uniqueName("good") + "-" + suffix
                defer { try? SharedMemory.remove(name) }
                #expect(try SegmentName(name).rawValue == name)
                let size = try SharedMemory(create: name, size: 4096).size
                #expect(size == 4096)
                #expect(SharedMemory.exists(name))
            }
        }
    }
}
