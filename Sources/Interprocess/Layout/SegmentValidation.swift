#if os(Linux)
/// Checks a segment's header against its file before anything trusts it. Shared by
/// ``Segment/init(open:kind:kindVersion:access:timeout:)`` and ``SegmentReport``.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

enum SegmentValidation {
    enum Outcome {
        /// The header is structurally sound (its state may still be `initializing`).
        case valid(SegmentHeader)
        /// The file is empty or its magic number is zero: a creator may be about to write it
        /// (the creator writes the magic last).
        case notYetWritten
        /// The header was decoded but is invalid, or could not be decoded.
        case invalid(InterprocessError, SegmentHeader?)
    }

    /// Validates the first bytes of a segment (`prefix`: up to ``SegmentHeader/size`` bytes)
    /// against the file's actual size.
    static func check(prefix: UnsafeRawBufferPointer, fileSize: Int, name: String, operation: String) -> Outcome {
        func fail(_ code: InterprocessError.Code, _ reason: String, _ header: SegmentHeader? = nil) -> Outcome {
            .invalid(InterprocessError(code, operation: operation, name: name, reason: reason), header)
        }
        if prefix.prefix(8).allSatisfy({ $0 == 0 }) { return .notYetWritten }
        let magicBytes = withUnsafeBytes(of: SegmentHeader.magicValue.littleEndian) { Array($0) }
        let shownMagic = prefix.prefix(8).map { $0 >= 0x20 && $0 < 0x7f ? String(UnicodeScalar($0)) : "." }.joined()
        guard prefix.count >= magicBytes.count else {
            if prefix.elementsEqual(magicBytes.prefix(prefix.count)) {
                return fail(.truncated, "it is \(fileSize) bytes, shorter than the \(SegmentHeader.size)-byte header")
            }
            return fail(.foreignSegment, "it starts with \"\(shownMagic)\", not \"SWIFTIPC\": it was not created by this library")
        }
        guard prefix.prefix(8).elementsEqual(magicBytes) else {
            return fail(.foreignSegment, "it starts with \"\(shownMagic)\", not \"SWIFTIPC\": it was not created by this library")
        }
        guard prefix.count >= SegmentHeader.size else {
            return fail(.truncated, "it is \(fileSize) bytes, shorter than the \(SegmentHeader.size)-byte header")
        }
        let header = SegmentHeader(decoding: UnsafeRawBufferPointer(rebasing: prefix[0..<SegmentHeader.size]))
        guard header.version == SegmentHeader.currentVersion else {
            return fail(.incompatibleVersion,
                        "its header has layout version \(header.version); this library reads version \(SegmentHeader.currentVersion)", header)
        }
        guard header.checksum == header.computedChecksum else {
            return fail(.corrupt, "its header checksum is 0x\(String(header.checksum, radix: 16)), but the fields hash to 0x\(String(header.computedChecksum, radix: 16))", header)
        }
        guard header.headerSize == UInt32(SegmentHeader.size) else {
            return fail(.corrupt, "its header size is \(header.headerSize); expected \(SegmentHeader.size)", header)
        }
        guard header.totalSize >= UInt64(SegmentHeader.size) else {
            return fail(.corrupt, "its total size \(header.totalSize) is smaller than the header", header)
        }
        guard UInt64(fileSize) >= header.totalSize else {
            return fail(.truncated, "it is \(fileSize) bytes, but its header says \(header.totalSize)", header)
        }
        // A managed segment and a mapped array grow: their header keeps the size at creation.
        guard UInt64(fileSize) == header.totalSize || header.kind == .managedSegment || header.kind == .mappedArray else {
            return fail(.corrupt, "it is \(fileSize) bytes, larger than the \(header.totalSize) its header says", header)
        }
        guard SegmentHeader.State(rawValue: header.state) != nil else {
            return fail(.corrupt, "its state word is \(header.state); expected 0 (initializing) or 1 (ready)", header)
        }
        return .valid(header)
    }

    /// Reads a segment's first bytes with `pread` (never mapping it: touching a mapping past the
    /// end of a truncated file would raise SIGBUS) and validates them.
    static func read(
        descriptor: Int32, name: String, operation: String
    ) throws(InterprocessError) -> (fileSize: Int, outcome: Outcome) {
        let fileSize = try SharedMemory.fileSize(of: descriptor, operation: operation, name: name)
        var prefix = [UInt8](repeating: 0, count: SegmentHeader.size)
        let readCount: Int
        switch prefix.withUnsafeMutableBytes({ buffer in
            retryingInterrupts { pread(descriptor, buffer.baseAddress, min(fileSize, SegmentHeader.size), 0) }
        }) {
        case .success(let count): readCount = count
        case .failure(let errno): throw InterprocessError.system(errno, operation: operation, name: name)
        }
        let outcome = prefix.withUnsafeBytes { buffer in
            check(prefix: UnsafeRawBufferPointer(rebasing: buffer[0..<readCount]), fileSize: fileSize,
                  name: name, operation: operation)
        }
        return (fileSize, outcome)
    }

    /// Checks that a valid header is of the expected kind and kind version (nil: any).
    static func checkKind(
        _ header: SegmentHeader, kind: SegmentKind?, kindVersion: UInt32?, name: String, operation: String
    ) throws(InterprocessError) {
        if let kind, header.kind != kind {
            throw InterprocessError(.wrongKind, operation: operation, name: name,
                                    reason: "it is \(header.kind.phrase), not \(kind.phrase)")
        }
        if let kindVersion, header.kindVersion != kindVersion {
            throw InterprocessError(.incompatibleVersion, operation: operation, name: name,
                                    reason: "its '\(header.kind)' layout is version \(header.kindVersion); this library reads version \(kindVersion)")
        }
    }
}
#endif
