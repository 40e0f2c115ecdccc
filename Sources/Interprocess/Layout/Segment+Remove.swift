#if os(Linux)
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension Segment {
    /// Removes `name` after checking with `pread` that its header says `kind`: a queue's or a
    /// primitive's `remove` must not delete another kind's segment (``InterprocessError/Code/wrongKind``)
    /// or a file this library did not make (``InterprocessError/Code/foreignSegment``). A segment
    /// whose header is unwritten, truncated, corrupt or of another layout version is removed:
    /// removing is how a broken one is cleaned up.
    ///
    /// The check and the unlink are two steps: a process that removes the name and creates
    /// another kind under it in between has that one removed. ``Segment/remove(_:)`` and
    /// ``SharedMemory/remove(_:)`` stay kind-agnostic.
    static func remove(_ name: String, kind: SegmentKind, operation: String) throws(InterprocessError) {
        let segmentName: SegmentName
        do throws(InterprocessError) {
            segmentName = try SegmentName(name)
        } catch {
            throw error.reported(as: operation)
        }
        let descriptor = try checkedValue(operation, name: name) { shm_open(segmentName.systemName, O_RDONLY | O_NONBLOCK, 0) }
        defer { close(descriptor) }
        try SharedMemory.requireRegularFile(descriptor, operation: operation, name: name)
        switch try SegmentValidation.read(descriptor: descriptor, name: name, operation: operation).outcome {
        case .valid(let header):
            try SegmentValidation.checkKind(header, kind: kind, kindVersion: nil, name: name, operation: operation)
        case .invalid(let error, _) where error.code == .foreignSegment:
            throw error
        case .invalid, .notYetWritten:
            break
        }
        try checkedCall(operation, name: name) { shm_unlink(segmentName.systemName) }
    }

    /// Whether `name`'s header is whole and valid now, read once with `pread` (false for a
    /// missing, empty, unwritten, foreign or broken one). A remove that wants to read a sound
    /// segment's body first asks this, so that it does not wait out an open's allowance for
    /// a header that a creator killed before writing it will never write.
    static func hasValidHeader(_ name: String) -> Bool {
        guard let segmentName = try? SegmentName(name) else { return false }
        let descriptor = shm_open(segmentName.systemName, O_RDONLY | O_NONBLOCK, 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        guard case .valid? = try? SegmentValidation.read(descriptor: descriptor, name: name, operation: "remove").outcome else { return false }
        return true
    }
}
#endif
