#if os(Linux)
/// The identity an object is stored under and found by: size, alignment, stride and a type name.
struct ObjectType: Equatable {
    /// The longest type name, in UTF-8 bytes.
    static let maximumNameLength = 4096

    let size: UInt32
    let alignment: UInt32
    let stride: UInt32
    let name: [UInt8]

    /// The identity of `T` under `typeName`.
    ///
    /// - Throws: ``InterprocessError/Code/invalidArgument`` for an empty or too long type name, or
    ///   a type too large to describe (over 4 GiB).
    init<T>(_ type: T.Type, typeName: String, operation: String, segment: String) throws(InterprocessError) {
        let bytes = Array(typeName.utf8)
        guard !bytes.isEmpty, bytes.count <= Self.maximumNameLength, !bytes.contains(0) else {
            throw InterprocessError(.invalidArgument, operation: operation, name: segment,
                                    reason: "a type name must be 1 to \(Self.maximumNameLength) bytes of UTF-8 without NUL (got \(bytes.count) bytes)")
        }
        guard let size = UInt32(exactly: MemoryLayout<T>.size), let stride = UInt32(exactly: MemoryLayout<T>.stride) else {
            throw InterprocessError(.invalidArgument, operation: operation, name: segment,
                                    reason: "\(typeName) is \(MemoryLayout<T>.stride) bytes: objects are at most 4 GiB each")
        }
        self.size = size
        alignment = UInt32(MemoryLayout<T>.alignment)
        self.stride = stride
        name = bytes
    }

    /// An identity read from an entry (already validated).
    init(size: UInt32, alignment: UInt32, stride: UInt32, name: [UInt8]) {
        (self.size, self.alignment, self.stride, self.name) = (size, alignment, stride, name)
    }

    /// The type name as text.
    var text: String { String(decoding: name, as: UTF8.self) }

    /// "Module.Point (16 bytes, alignment 8)", for messages.
    var described: String { "\(text) (\(size) bytes, alignment \(alignment))" }

    /// The bytes of `count` elements, or nil if that overflows.
    func byteCount(count: Int) -> Int? {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: Int(stride))
        return overflow || count < 0 ? nil : bytes
    }
}
#endif
