#if os(Linux)
internal import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// The work of the initializers, as factories: a throwing initializer of a non-copyable type
// with a deinit may not throw both before and after `self` is whole (Swift 6.3), so each
// initializer is one `self = try` of these.
extension MappedArray {
    /// ``init(create:capacity:windowSize:permissions:lifetime:allocation:)``.
    static func created(
        _ path: FilePath, capacity: Int, windowSize: Int?, permissions: FilePermissions, lifetime: Lifetime,
        allocation: MappedFile.Allocation
    ) throws(InterprocessError) -> MappedArray {
        let operation = "create mapped array"
        try checkArguments(capacity: capacity, windowSize: windowSize, operation: operation, name: path.string)
        let hidden = MappedArrayFile.hiddenSibling(of: path)
        let descriptor = try MappedArrayFile.createExclusive(hidden, permissions: permissions, operation: operation, name: path.string)
        do throws(InterprocessError) {
            let fileSize = try Self.fileSize(capacity: capacity, operation: operation, name: path.string)
            try SpaceReservation.size(descriptor, to: fileSize, policy: allocation == .reserved ? .reserve : .sparse,
                                      operation: operation, name: path.string)
            try writeNewHeader(descriptor, capacity: capacity, fileSize: fileSize, operation: operation, name: path.string)
            try MappedArrayFile.lockWriter(descriptor, at: MappedArrayLayout.Field.writer.offset, operation: operation,
                                           name: path.string) { "another handle" }
            // link(2) fails when the name exists: two creators never both succeed.
            try checkedCall(operation, name: path.string) { link(hidden, path.string) }
            unlink(hidden)
        } catch {
            unlink(hidden)
            close(descriptor)
            throw error
        }
        var array = MappedArray(descriptor: descriptor, path: path, wasCreated: true, isRaw: false, access: .readWrite,
                                windowSize: windowSize, lifetime: lifetime, allocation: allocation)
        do throws(InterprocessError) {
            try array.attachHeader(operation: operation)
        } catch {
            unlink(path.string)
            throw error
        }
        return array
    }

    /// ``init(open:access:windowSize:)``.
    static func opened(_ path: FilePath, access: MappedRegion.Access, windowSize: Int?) throws(InterprocessError) -> MappedArray {
        let operation = "open mapped array"
        let descriptor = try openDescriptor(path, access: access, windowSize: windowSize, operation: operation)
        do throws(InterprocessError) {
            switch try SegmentValidation.read(descriptor: descriptor, name: path.string, operation: operation).outcome {
            case .valid(let header):
                try SegmentValidation.checkKind(header, kind: .mappedArray, kindVersion: MappedArrayLayout.version,
                                                name: path.string, operation: operation)
                guard header.state == SegmentHeader.State.ready.rawValue else {
                    // Files are whole before they have their name: one still initializing is not ours.
                    throw InterprocessError(.corrupt, operation: operation, name: path.string,
                                            reason: "its header says it is still being initialized")
                }
            case .invalid(let error, _):
                throw error
            case .notYetWritten:
                throw InterprocessError(.foreignSegment, operation: operation, name: path.string, reason: "it has no segment header")
            }
        } catch {
            close(descriptor)
            throw error
        }
        var array = MappedArray(descriptor: descriptor, path: path, wasCreated: false, isRaw: false, access: access,
                                windowSize: windowSize, lifetime: .persistent, allocation: .reserved)
        try array.attachHeader(operation: operation)
        return array
    }

    /// ``init(rawFile:access:windowSize:)``.
    static func openedRaw(_ path: FilePath, access: MappedRegion.Access, windowSize: Int?) throws(InterprocessError) -> MappedArray {
        let operation = "open raw mapped array"
        let descriptor = try openDescriptor(path, access: access, windowSize: windowSize, operation: operation)
        var array = MappedArray(descriptor: descriptor, path: path, wasCreated: false, isRaw: true, access: access,
                                windowSize: windowSize, lifetime: .persistent, allocation: .sparse)
        if access == .readWrite {
            try MappedArrayFile.lockWriter(descriptor, at: 0, operation: operation, name: path.string) { "another handle" }
        }
        try array.refresh()
        return array
    }
}
#endif
