#if os(Linux)
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A range of address space reserved for a segment's whole maximum size
/// (`PROT_NONE`, `MAP_NORESERVE`: it costs no memory), with the segment's file mapped over its
/// start. Growing maps the new part right after the old one, so an address handed out never
/// changes while the segment is attached; nothing is unmapped before the reservation goes.
struct AddressReservation: ~Copyable {
    /// The first byte; the segment's offset 0.
    let base: UnsafeMutableRawPointer
    /// The bytes reserved.
    let length: Int
    /// The whole reservation's entry in the ``TruncationGuard``: its file is named and growable,
    /// so a peer can shrink it under any window mapped here.
    let guardSlot: TruncationGuard.Slot

    /// Reserves `length` bytes and maps the first `mapped` bytes of `descriptor` over them.
    init(length: Int, descriptor: Int32, mapped: Int, name: String) throws(InterprocessError) {
        guard let start = mmap(nil, length, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0),
              start != MAP_FAILED
        else {
            throw InterprocessError.system(currentErrno, operation: "reserve address space for managed segment", name: name,
                                           reason: "reserving \(ByteCount(length)) of address space failed")
        }
        guard let mappedStart = mmap(start, mapped, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, descriptor, 0),
              mappedStart != MAP_FAILED
        else {
            let error = currentErrno
            munmap(start, length)
            throw InterprocessError.system(error, operation: "map managed segment", name: name)
        }
        base = start
        self.length = length
        guardSlot = TruncationGuard.register(start, length: length, writable: true)
    }

    /// The reservation's truncation count, copyable.
    func truncationProbe(name: String) -> TruncationProbe {
        TruncationProbe(slot: guardSlot, name: name, count: length, descriptor: -1)
    }

    deinit {
        TruncationGuard.unregister(guardSlot)
        munmap(base, length)
    }

    /// Maps bytes `from..<to` of `descriptor` at the same offsets of the reservation.
    func map(descriptor: Int32, from: Int, to: Int, name: String) throws(InterprocessError) {
        guard from >= 0, from < to, to <= length else {
            throw InterprocessError(.invalidArgument, operation: "map managed segment", name: name,
                                    reason: "bytes \(from)..<\(to) are outside its reservation of \(length)")
        }
        guard let mapped = mmap(base + from, to - from, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, descriptor, off_t(from)),
              mapped != MAP_FAILED
        else {
            throw InterprocessError.system(currentErrno, operation: "map managed segment", name: name)
        }
    }

    /// Gives bytes `from..<to` back to the reservation (after the file shrank).
    func unmap(from: Int, to: Int) {
        guard from >= 0, from < to, to <= length else { return }
        _ = mmap(base + from, to - from, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0)
    }
}
#endif
