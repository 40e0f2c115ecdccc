import Interprocess

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Commands for the managed-segment objects tests: relative pointers and named objects.
enum ObjectsCommands {
    /// The layout the relative-pointer tests write: a list node of 16 bytes.
    struct Node: BitwiseCopyable {
        var value: Int64
        var next: RelativePointer<Node>
    }

    /// `relative-walk NAME OFFSET`: map the shared memory NAME (after a throw-away mapping, so
    /// that it lands at another address than in the test), follow the list of ``Node``s that
    /// starts at OFFSET through their relative pointers, and print "base HEX" and "values V1 V2 …".
    static func walk(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        let offset = try arguments.nextInt("OFFSET")
        try arguments.finish()
        let shift = try AnonymousSharedMemory(size: 3 * 4096, label: "shift")
        let memory = try SharedMemory(open: name)
        _ = shift.size
        let base = memory.region.baseAddress
        let end = base + memory.size
        var values: [Int64] = []
        var node = (base + offset).assumingMemoryBound(to: Node.self)
        while values.count < 1000 {
            values.append(node.pointee.value)
            guard let next = node.pointer(to: \.next)!.target() else { break }
            guard UnsafeMutableRawPointer(next) >= base, UnsafeMutableRawPointer(next) + 16 <= end else {
                throw PeerFailure("a relative pointer leads outside the mapping")
            }
            node = next
        }
        print("base \(String(UInt(bitPattern: base), radix: 16))")
        print("values " + values.map(String.init).joined(separator: " "))
    }
}
