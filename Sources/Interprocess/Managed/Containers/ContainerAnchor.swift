#if os(Linux)
/// The named object under a container's name: where its header block is. The header lives in a
/// block of its own because its placed locks need 128-byte alignment, which named objects
/// (aligned as their Swift type) don't give.
///
/// The object's type name carries the container's kind and element types
/// ("Interprocess.SharedVector<Swift.UInt64>"), so the named-object directory refuses to find a
/// container under another kind or element type (`wrongKind` naming both).
struct ContainerAnchor: BitwiseCopyable {
    /// The header block's offset.
    var header: UInt64
    /// The container's magic (the header's first word repeats it).
    var magic: UInt32
    /// The header layout version.
    var version: UInt32
}

/// How a container handle came to be: what `init(create:)`, `init(open:)` and
/// `init(openOrCreate:)` share.
enum ContainerOpening {
    /// Makes a new one (`alreadyExists` if the name is taken).
    case create
    /// Finds an existing one, waiting until `deadline` for it to appear.
    case open(until: Deadline)
    /// Finds it, or makes it if there is none.
    case openOrCreate

    var verb: String {
        switch self {
        case .create: "create"
        case .open: "open"
        case .openOrCreate: "open or create"
        }
    }
}

extension ManagedSegment {
    /// Finds or makes the container `name`: returns its header's address and whether this call
    /// made it.
    ///
    /// Making one allocates its header block (and whatever `initialize` allocates) *before*
    /// publishing the name, so a process killed in between leaks the header, never publishes a
    /// half-made container. A process that loses an `openOrCreate` race frees what it made
    /// (`discard`) and uses the winner's. An existing header is checked for `headerSize` bytes;
    /// a new one takes `newSize` (default `headerSize`).
    func containerHeader(
        _ opening: ContainerOpening, name: String, typeName: String, magic: UInt32, version: UInt32, headerSize: Int,
        newSize: Int? = nil,
        operation: String,
        initialize: (UnsafeMutableRawPointer) throws(InterprocessError) -> Void,
        validate: (UnsafeMutableRawPointer) throws(InterprocessError) -> Void,
        discard: (UnsafeMutableRawPointer) -> Void
    ) throws(InterprocessError) -> (header: UnsafeMutableRawPointer, wasCreated: Bool) {
        do throws(InterprocessError) {
            if case .open(let deadline) = opening {
                // Processes start in any order: wait for the name to be published.
                let existing = try AppearanceWait.open(until: deadline, operation: operation, name: self.name) {
                    () throws(InterprocessError) -> (offset: TypedSegmentOffset<ContainerAnchor>, count: Int) in
                    guard let existing = try find(ContainerAnchor.self, named: name, typeName: typeName) else {
                        throw InterprocessError(.notFound, operation: operation, name: self.name,
                                                reason: "the segment holds no object named '\(name)'")
                    }
                    return existing
                }
                return (try anchoredHeader(existing.offset, magic: magic, version: version, headerSize: headerSize, validate: validate), false)
            }
            if case .openOrCreate = opening, let existing = try find(ContainerAnchor.self, named: name, typeName: typeName) {
                return (try anchoredHeader(existing.offset, magic: magic, version: version, headerSize: headerSize, validate: validate), false)
            }
            let block = try allocate(byteCount: newSize ?? headerSize, alignment: ContainerHeader.alignment)
            let header = try pointer(at: block, byteCount: newSize ?? headerSize)
            do throws(InterprocessError) {
                try initialize(header)
            } catch {
                discard(header)
                try? deallocate(block)
                throw error
            }
            let anchor = ContainerAnchor(header: block.rawValue, magic: magic, version: version)
            let outcome: (offset: TypedSegmentOffset<ContainerAnchor>, count: Int, wasConstructed: Bool)
            do throws(InterprocessError) {
                if case .create = opening {
                    outcome = (try construct(ContainerAnchor.self, named: name, typeName: typeName) { _ in anchor }, 1, true)
                } else {
                    outcome = try findOrConstruct(ContainerAnchor.self, named: name, typeName: typeName) { _ in anchor }
                }
            } catch {
                discard(header)
                try? deallocate(block)
                throw error
            }
            if outcome.wasConstructed { return (header, true) }
            discard(header)
            try? deallocate(block)
            return (try anchoredHeader(outcome.offset, magic: magic, version: version, headerSize: headerSize, validate: validate), false)
        } catch {
            throw error.reported(as: operation)
        }
    }

    /// The header an anchor names, checked: inside the heap, aligned, of the expected magic and
    /// version, and what `validate` accepts.
    private func anchoredHeader(
        _ anchor: TypedSegmentOffset<ContainerAnchor>, magic: UInt32, version: UInt32, headerSize: Int,
        validate: (UnsafeMutableRawPointer) throws(InterprocessError) -> Void
    ) throws(InterprocessError) -> UnsafeMutableRawPointer {
        let value = try pointer(to: anchor).pointee
        guard value.magic == magic, value.header % UInt64(ContainerHeader.alignment) == 0,
              let header = try? pointer(at: SegmentOffset(rawValue: value.header), byteCount: headerSize),
              ContainerHeader.magic(header) == magic
        else {
            throw InterprocessError(.corrupt, operation: "open container", name: name,
                                    reason: "its anchor at offset \(anchor.offset.rawValue) names no container header (offset \(value.header), magic \(value.magic))")
        }
        guard value.version == version, ContainerHeader.version(header) == version else {
            throw InterprocessError(.incompatibleVersion, operation: "open container", name: name,
                                    reason: "its layout version is \(ContainerHeader.version(header)); this library reads \(version)")
        }
        try validate(header)
        return header
    }

    /// Removes the container `name`: its name first (so nobody finds it any more), then returns
    /// its blocks (`blocks` lists them, header last) to the heap.
    func removeContainer(
        name: String, typeName: String, magic: UInt32, version: UInt32, headerSize: Int, operation: String,
        blocks: (UnsafeMutableRawPointer) -> [SegmentOffset]
    ) throws(InterprocessError) {
        do throws(InterprocessError) {
            guard let existing = try find(ContainerAnchor.self, named: name, typeName: typeName) else {
                throw InterprocessError(.notFound, operation: operation, name: self.name,
                                        reason: "the segment holds no object named '\(name)'")
            }
            let header = try anchoredHeader(existing.offset, magic: magic, version: version, headerSize: headerSize) { _ in }
            let owned = blocks(header)
            try destroy(named: name)
            for block in owned where !block.isNull { try? deallocate(block) }
            if let offset = offset(of: header) { try? deallocate(offset) }
        } catch {
            throw error.reported(as: operation)
        }
    }
}
#endif
