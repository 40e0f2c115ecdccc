import Foundation
import Interprocess
import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// A journal in a fresh temporary directory, removed with the directory.
struct JournalFixture {
    let directory: MemoryFixtures.TemporaryDirectory
    let path: FilePath
    let journal: Journal

    init(_ configuration: JournalConfiguration = .init(cycleSize: 64 << 10, indexSpacing: 16)) throws {
        directory = try MemoryFixtures.TemporaryDirectory()
        path = FilePath(directory.file("journal"))
        journal = try Journal(create: path, configuration: configuration)
    }

    func remove() { directory.remove() }

    /// The path of cycle `number`.
    func cycle(_ number: Int) -> String {
        let digits = String(number)
        return path.string + "/" + String(repeating: "0", count: 20 - digits.count) + digits + ".cycle"
    }

    /// Overwrites bytes of a file at `offset`.
    static func patch(_ file: String, at offset: Int, _ bytes: [UInt8]) throws {
        let descriptor = open(file, O_WRONLY)
        guard descriptor >= 0 else { throw TestFailure("open \(file): errno \(errno)") }
        defer { close(descriptor) }
        guard bytes.withUnsafeBytes({ pwrite(descriptor, $0.baseAddress, $0.count, off_t(offset)) }) == bytes.count else {
            throw TestFailure("pwrite \(file): errno \(errno)")
        }
    }

    /// Reads bytes of a file at `offset`.
    static func read(_ file: String, at offset: Int, count: Int) throws -> [UInt8] {
        try MemoryFixtures.readFile(file, offset: offset, count: count)
    }
}

extension JournalTailer {
    /// Everything readable now, copied.
    mutating func drain() throws -> [JournalEntry] {
        var entries: [JournalEntry] = []
        while let entry = try tryNext() { entries.append(entry) }
        return entries
    }
}
