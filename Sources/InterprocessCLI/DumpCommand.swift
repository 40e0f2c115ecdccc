import ArgumentParser
import Foundation
import Interprocess

/// `interprocess dump NAME`: the bytes of a segment in hex, with its header decoded field by
/// field. It reads the file (never maps it for writing), so it dumps anything it can read.
struct DumpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump",
        abstract: "Hex-dump a segment, its header decoded field by field.",
        discussion: """
            Reads /dev/shm/NAME and prints the header fields (offset, size, value, meaning; \
            offsets from the header layout in docs/FORMAT.md) followed by a hex dump, repeated \
            lines collapsed to '*'. Files without the library's magic are dumped raw, with a note. \
            Output is bounded by --bytes (default 512). JSON: {"segment": {...}, "header": \
            [{"field", "offset", "size", "value", "meaning"}], "note", "bytes": {"offset", "count", "hex"}}.
            """
    )

    @Argument(help: "The segment's name (any file in /dev/shm).")
    var name: String

    @Option(name: .long, parsing: .unconditional, help: "Dump at most this many bytes (K, M suffixes); 0 for the header only.")
    var bytes: String = "512"

    @Option(name: .long, parsing: .unconditional, help: "Start the hex dump at this byte offset of the file.")
    var offset: String = "0"

    @OptionGroup var output: OutputOptions

    func validate() throws {
        try UsageChecks.fileName(name)
        _ = try UsageChecks.byteCount(bytes, option: "--bytes", minimum: 0)
        _ = try UsageChecks.byteCount(offset, option: "--offset", minimum: 0)
    }

    func run() throws {
        let limit = try UsageChecks.byteCount(bytes, option: "--bytes", minimum: 0)
        let start = try UsageChecks.byteCount(offset, option: "--offset", minimum: 0)
        let file: SegmentBytes
        do {
            file = try SegmentBytes.read(name, headerBytes: SegmentHeader.size, from: start, count: limit)
        } catch {
            throw output.report(error)
        }
        let fields = file.header.map(HeaderField.decode) ?? []
        let note = file.header == nil
            ? "not a swift-interprocess segment (no SWIFTIPC magic in its first \(SegmentHeader.size) bytes): dumped raw"
            : nil
        if output.json {
            struct Bytes: Encodable { var offset: Int; var count: Int; var hex: String }
            struct Segment: Encodable { var name: String; var fileSize: Int; var ours: Bool }
            struct Result: Encodable { var segment: Segment; var header: [HeaderField]; var note: String?; var bytes: Bytes }
            try output.printJSON(Result(
                segment: Segment(name: name, fileSize: file.fileSize, ours: file.header != nil), header: fields, note: note,
                bytes: Bytes(offset: start, count: file.bytes.count, hex: file.bytes.map { HexDump.byte($0) }.joined())))
            return
        }
        print("\(name): \(file.fileSize) bytes (\(Formatting.size(file.fileSize)))")
        if let note { print("note: \(note)") }
        if !fields.isEmpty {
            print("")
            var rows = [["OFFSET", "SIZE", "FIELD", "VALUE", "MEANING"]]
            rows += fields.map { [String($0.offset), String($0.size), $0.field, $0.value, $0.meaning] }
            print(Formatting.table(rows))
        }
        if limit > 0 {
            print("")
            print(HexDump.lines(file.bytes, startingAt: start).joined(separator: "\n"))
            let end = start + file.bytes.count
            if end < file.fileSize { print("(\(file.fileSize - end) more bytes; --bytes and --offset show others)") }
        }
    }
}

/// The bytes `dump` shows, read with `pread` from the file itself.
struct SegmentBytes {
    var fileSize: Int
    /// The header, when the file starts with the library's magic.
    var header: SegmentHeader?
    var bytes: [UInt8]

    static func read(_ name: String, headerBytes: Int, from start: Int, count: Int) throws(InterprocessError) -> SegmentBytes {
        let path = "/dev/shm/" + name
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else {
            let code = errno
            let errorCode: InterprocessError.Code = code == ENOENT ? .notFound : code == EACCES ? .permissionDenied : .systemError
            throw InterprocessError(errorCode, operation: "dump", name: name, errno: .init(rawValue: code),
                                    reason: code == ENOENT ? "it does not exist" : String(cString: strerror(code)))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw InterprocessError(.systemError, operation: "dump", name: name, errno: .init(rawValue: errno),
                                    reason: String(cString: strerror(errno)))
        }
        let fileSize = Int(status.st_size)
        let head = readBytes(descriptor, at: 0, count: min(headerBytes, fileSize))
        var header: SegmentHeader?
        if head.count == headerBytes {
            let decoded = head.withUnsafeBytes { SegmentHeader(decoding: $0) }
            if decoded.magic == SegmentHeader.magicValue { header = decoded }
        }
        let body = start < fileSize ? readBytes(descriptor, at: start, count: min(count, fileSize - start)) : []
        return SegmentBytes(fileSize: fileSize, header: header, bytes: body)
    }

    private static func readBytes(_ descriptor: Int32, at offset: Int, count: Int) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            if got > 0 { done += got } else if got < 0, errno == EINTR { continue } else { break }
        }
        return Array(buffer.prefix(done))
    }
}

/// One header field as `dump` decodes it.
struct HeaderField: Encodable {
    var field: String
    var offset: Int
    var size: Int
    /// The value as stored (little-endian), in decimal or as text for the magic.
    var value: String
    /// What it says.
    var meaning: String

    static func decode(_ header: SegmentHeader) -> [HeaderField] {
        SegmentHeader.Field.allCases.map { field in
            let (value, meaning) = describe(field, header)
            return HeaderField(field: field.rawValue, offset: field.offset, size: field.size, value: value, meaning: meaning)
        }
    }

    private static func describe(_ field: SegmentHeader.Field, _ header: SegmentHeader) -> (String, String) {
        switch field {
        case .magic: return (header.magicText, "this library's segment")
        case .version: return ("\(header.version)", header.version == SegmentHeader.currentVersion ? "current header version" : "not this build's header version \(SegmentHeader.currentVersion)")
        case .kind: return ("\(header.kind.rawValue)", header.kind.name)
        case .kindVersion: return ("\(header.kindVersion)", "layout version of the \(header.kind.name) body")
        case .state: return ("\(header.state)", SegmentHeader.State(rawValue: header.state).map { "\($0)" } ?? "invalid")
        case .totalSize: return ("\(header.totalSize)", "header + body bytes")
        case .headerSize: return ("\(header.headerSize)", "body starts here")
        case .flags: return ("0x" + String(header.flags, radix: 16), header.flags == 0 ? "none" : "set")
        case .creatorPID: return ("\(header.creator.pid)", "creator: \(header.creator.liveness.rawValue)")
        case .creatorPIDNamespace: return ("\(header.creator.pidNamespace)", "inode of the creator's pid namespace")
        case .creatorStartTime: return ("\(header.creator.startTime)", "clock ticks after boot")
        case .createdAt: return ("\(header.createdAt)", "nanoseconds since 1970 (\(Date(timeIntervalSince1970: Double(header.createdAt) / 1e9)))")
        case .checksum: return ("0x" + String(header.checksum, radix: 16), header.checksum == header.computedChecksum ? "valid" : "INVALID (computed 0x\(String(header.computedChecksum, radix: 16)))")
        }
    }
}

/// `xxd`-style lines: offset, 16 bytes in hex, the printable ones as text; runs of identical
/// lines collapsed to one `*`.
enum HexDump {
    static func byte(_ value: UInt8) -> String {
        let text = String(value, radix: 16)
        return value < 16 ? "0" + text : text
    }

    static func lines(_ bytes: [UInt8], startingAt start: Int) -> [String] {
        var lines: [String] = []
        var previous: ArraySlice<UInt8>?
        var collapsed = false
        var index = 0
        while index < bytes.count {
            let row = bytes[index..<min(index + 16, bytes.count)]
            if let previous, previous.elementsEqual(row), row.count == 16 {
                if !collapsed { lines.append("*") }
                collapsed = true
            } else {
                collapsed = false
                let hex = row.map(byte).joined(separator: " ").padding(toLength: 47, withPad: " ", startingAt: 0)
                let text = String(row.map { (0x20..<0x7f).contains($0) ? Character(UnicodeScalar($0)) : "." })
                let position = String(start + index, radix: 16)
                lines.append(String(repeating: "0", count: max(0, 8 - position.count)) + position + "  " + hex + "  |" + text + "|")
            }
            previous = row
            index += 16
        }
        if collapsed {
            let position = String(start + bytes.count, radix: 16)
            lines.append(String(repeating: "0", count: max(0, 8 - position.count)) + position)
        }
        return lines
    }
}
