#if os(Linux)
/// Whether an entry is a named object or the unique instance of a type.
enum ObjectKind: UInt8, Sendable {
    /// Constructed with a name (`construct(_:named:…)`).
    case named = 1
    /// The one instance of its type (`constructUnique`); its name is the type name.
    case unique = 2
}

/// A directory key: a kind and a validated name, with its hash.
struct ObjectKey {
    /// The longest name, in UTF-8 bytes.
    static let maximumNameLength = 255

    let kind: ObjectKind
    let bytes: [UInt8]
    let hash: UInt64

    /// Checks `name`: 1 to 255 UTF-8 bytes, no NUL (so that C peers can treat it as a string).
    ///
    /// - Throws: ``InterprocessError/Code/invalidName``.
    init(_ kind: ObjectKind, _ name: String, operation: String, segment: String) throws(InterprocessError) {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= Self.maximumNameLength, !bytes.contains(0) else {
            throw InterprocessError(.invalidName, operation: operation, name: segment,
                                    reason: "an object name must be 1 to \(Self.maximumNameLength) bytes of UTF-8 without NUL (got \(bytes.count) bytes\(bytes.contains(0) ? " with a NUL" : ""))")
        }
        self.kind = kind
        self.bytes = bytes
        hash = FNV1a.hash(CollectionOfOne(kind.rawValue) + bytes)
    }

    /// The name as text, for messages.
    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// "object 'name'" or "unique object of type T", for messages.
    var described: String { kind == .named ? "object '\(text)'" : "unique \(text)" }
}
#endif
