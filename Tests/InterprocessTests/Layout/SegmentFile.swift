import Foundation
import Interprocess

#if canImport(Glibc)
import Glibc
#endif

/// Raw access to the file behind a segment (`/dev/shm/NAME`), bypassing the library, to make
/// the bad input that the library must reject.
enum SegmentFile {
    static func path(_ name: String) -> String { "/dev/shm/" + name }

    /// Creates a new file with exactly these bytes (mode 0600).
    static func create(_ name: String, contents: [UInt8]) throws {
        let descriptor = open(path(name), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw failure("create", name) }
        defer { close(descriptor) }
        try write(descriptor, contents, at: 0, name)
    }

    /// The file's bytes.
    static func contents(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path(name))))
    }

    /// The header as stored, decoded without validation.
    static func header(_ name: String) throws -> SegmentHeader {
        let bytes = try contents(name)
        guard bytes.count >= SegmentHeader.size else { throw TestFailure("\(name) is shorter than a header") }
        return bytes.withUnsafeBytes { SegmentHeader(decoding: $0) }
    }

    /// Overwrites bytes at `offset`.
    static func patch(_ name: String, at offset: Int, bytes: [UInt8]) throws {
        let descriptor = open(path(name), O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("open", name) }
        defer { close(descriptor) }
        try write(descriptor, bytes, at: offset, name)
    }

    /// Stores `value` little-endian into a header field of its exact size.
    static func store<Value: FixedWidthInteger>(_ value: Value, in field: SegmentHeader.Field, of name: String) throws {
        precondition(MemoryLayout<Value>.size == field.size, "\(Value.self) does not fit \(field)")
        try patch(name, at: field.offset, bytes: withUnsafeBytes(of: value.littleEndian) { Array($0) })
    }

    /// Flips the bits of one byte.
    static func flipByte(_ name: String, at offset: Int) throws {
        let bytes = try contents(name)
        try patch(name, at: offset, bytes: [~bytes[offset]])
    }

    /// Rewrites the checksum to match the stored fields, so that a later check fires first.
    static func resealChecksum(_ name: String) throws {
        try store(try header(name).computedChecksum, in: .checksum, of: name)
    }

    static func truncate(_ name: String, to size: Int) throws {
        guard Glibc.truncate(path(name), off_t(size)) == 0 else { throw failure("truncate", name) }
    }

    /// Makes a raw segment that looks as if `creator` were still initializing it: what another
    /// writer of the format may publish before its body is ready (this library never does).
    static func createInitializing(_ name: String, bodySize: Int = 64, creator: ProcessIdentity) throws {
        _ = try Segment(create: name, bodySize: bodySize)
        try store(UInt32(SegmentHeader.State.initializing.rawValue), in: .state, of: name)
        try store(creator.pid, in: .creatorPID, of: name)
        try store(creator.startTime, in: .creatorStartTime, of: name)
        try resealChecksum(name)
    }

    /// The hidden files (``Segment`` builds a segment under one before publishing it) that
    /// belong to the segment `name`.
    static func pendingFiles(of name: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/dev/shm")) ?? [])
            .filter { $0.hasPrefix(".ipc-new.") && $0.hasSuffix("." + name) }
    }

    /// Removes the file if it exists.
    static func remove(_ name: String) {
        unlink(path(name))
    }

    private static func write(_ descriptor: Int32, _ bytes: [UInt8], at offset: Int, _ name: String) throws {
        let written = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, off_t(offset)) }
        guard written == bytes.count else { throw failure("write", name) }
    }

    private static func failure(_ operation: String, _ name: String) -> TestFailure {
        TestFailure("could not \(operation) \(path(name)): errno \(errno)")
    }
}
