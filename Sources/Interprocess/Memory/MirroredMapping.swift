#if os(Linux)
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One reserved range of address space holding a file's first `headerLength` bytes once and
/// its next `dataLength` bytes twice, back to back:
///
/// ```
/// | header (once) | data | data again |
/// ```
///
/// so that any window of up to `dataLength` bytes starting inside the first copy is contiguous.
/// The range is reserved first (`PROT_NONE`), then the file is mapped over it with `MAP_FIXED`,
/// so no other mapping can land between the copies; it is unmapped as a whole, once.
struct MirroredMapping: ~Copyable {
    /// The whole reservation.
    let start: UnsafeMutableRawPointer
    let length: Int
    /// The first byte of the first copy of the data.
    let data: UnsafeMutableRawPointer
    /// The data's size: each copy's length.
    let dataLength: Int
    /// The whole reservation's entry in the ``TruncationGuard`` (the file may be shrunk by a peer).
    let guardSlot: TruncationGuard.Slot

    /// Maps `descriptor` as described above. Both lengths must be multiples of the page size
    /// (`headerLength` may be 0); the caller has checked the file is long enough.
    init(descriptor: Int32, headerLength: Int, dataLength: Int, label: String) throws(InterprocessError) {
        let page = MappedRegion.pageSize
        guard headerLength >= 0, headerLength % page == 0, dataLength > 0, dataLength % page == 0,
              dataLength <= (Int.max - headerLength) / 2
        else {
            throw InterprocessError(.invalidArgument, operation: "map mirrored region", name: label,
                                    reason: "a header of \(headerLength) and data of \(dataLength) bytes are not multiples of the page size (\(page) bytes)")
        }
        let length = headerLength + 2 * dataLength
        guard let start = mmap(nil, length, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0),
              start != MAP_FAILED
        else {
            throw InterprocessError.system(currentErrno, operation: "reserve address space for mirrored region", name: label,
                                           reason: "reserving \(ByteCount(length)) of address space failed")
        }
        let pieces: [(at: Int, offset: Int, count: Int)] = [
            (0, 0, headerLength), (headerLength, headerLength, dataLength), (headerLength + dataLength, headerLength, dataLength),
        ]
        for piece in pieces where piece.count > 0 {
            guard let mapped = mmap(start + piece.at, piece.count, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
                                    descriptor, off_t(piece.offset)),
                  mapped != MAP_FAILED
            else {
                let error = currentErrno
                munmap(start, length)
                throw InterprocessError.system(error, operation: "map mirrored region", name: label)
            }
        }
        self.start = start
        self.length = length
        self.data = start + headerLength
        self.dataLength = dataLength
        self.guardSlot = TruncationGuard.register(start, length: length, writable: true)
    }

    /// The mapping's truncation count, copyable.
    func truncationProbe(name: String) -> TruncationProbe {
        TruncationProbe(slot: guardSlot, name: name, count: length, descriptor: -1)
    }

    deinit {
        TruncationGuard.unregister(guardSlot)
        munmap(start, length)
    }
}

/// Safe to move between threads: it owns a mapping of the whole process.
extension MirroredMapping: @unchecked Sendable {}
#endif
