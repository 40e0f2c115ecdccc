import Interprocess
import Synchronization

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

    /// The type name both the tests and this peer give ``Node`` (their module names differ).
    static let nodeTypeName = "interprocess-tests.Node"

    /// `objects-find SEGMENT OBJECT u64|i32`: find the object in the managed segment as that type;
    /// print "found COUNT V0 V1 …" (up to 8 values) or "missing".
    static func find(_ arguments: inout Arguments) throws {
        let segmentName = try arguments.next("SEGMENT"), object = try arguments.next("OBJECT"), type = try arguments.next("TYPE")
        try arguments.finish()
        let segment = try ManagedSegment(open: segmentName)
        func report<T: BitwiseCopyable>(_ type: T.Type) throws(InterprocessError) {
            guard let (offset, count) = try segment.find(T.self, named: object) else { print("missing"); return }
            let values = try segment.withSpan(of: offset, count: count) { span in (0..<min(count, 8)).map { "\(span[$0])" } }
            print("found \(count) " + values.joined(separator: " "))
        }
        switch type {
        case "u64": try report(UInt64.self)
        case "i32": try report(Int32.self)
        default: throw UsageError("TYPE must be u64 or i32")
        }
    }

    /// `objects-construct SEGMENT OBJECT COUNT`: construct COUNT UInt64s (element i = i); print
    /// "constructed OFFSET".
    static func construct(_ arguments: inout Arguments) throws {
        let segmentName = try arguments.next("SEGMENT"), object = try arguments.next("OBJECT"), count = try arguments.nextInt("COUNT")
        try arguments.finish()
        let segment = try ManagedSegment(open: segmentName)
        let offset = try segment.construct(UInt64.self, named: object, count: count) { UInt64($0) }
        print("constructed \(offset.offset.rawValue)")
    }

    /// `objects-race SEGMENT OBJECT START`: at START (CLOCK_MONOTONIC ns), findOrConstruct 64
    /// UInt64s holding this pid; print "constructed|found OFFSET VALUE".
    static func race(_ arguments: inout Arguments) throws {
        let segmentName = try arguments.next("SEGMENT"), object = try arguments.next("OBJECT")
        let start = try arguments.nextInt("START")
        try arguments.finish()
        let segment = try ManagedSegment(open: segmentName)
        var time = timespec(tv_sec: start / 1_000_000_000, tv_nsec: start % 1_000_000_000)
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &time, nil) == EINTR {}
        let pid = UInt64(getpid())
        let result = try segment.findOrConstruct(UInt64.self, named: object, count: 64) { _ in pid }
        let value = try segment.withSpan(of: result.offset, count: 64) { span in span[63] }
        print("\(result.wasConstructed ? "constructed" : "found") \(result.offset.offset.rawValue) \(value)")
    }

    /// The value of element `index` of the churn object `key`: the tests check it.
    static func churnValue(key: Int, index: Int) -> UInt64 { UInt64(key) << 32 | UInt64(index) }

    /// `objects-churn SEGMENT SEED`: until killed, construct, find-or-construct and destroy
    /// objects "churn-K" (K < 24) of 1 to 32768 UInt64s holding ``churnValue(key:index:)``,
    /// checking the objects it finds; counts its operations in the UInt64
    /// "churn-progress" (atomic), so that a test can tell when it is inside its loop.
    static func churn(_ arguments: inout Arguments) throws {
        let segmentName = try arguments.next("SEGMENT")
        var random = PeerRandom(seed: UInt64(try arguments.nextInt("SEED")))
        try arguments.finish()
        let segment = try ManagedSegment(open: segmentName)
        let progress = try segment.findOrConstruct(UInt64.self, named: "churn-progress") { _ in 0 }
        let operations = UnsafeMutableRawPointer(try segment.pointer(to: progress.offset)).assumingMemoryBound(to: Atomic<UInt64>.self)
        while true {
            operations.pointee.add(1, ordering: .relaxed)
            let key = Int(random.next() % 24), name = "churn-\(key)"
            let count = 1 + Int(random.next() % 32_768)
            do {
                // Mostly constructs, so that most kills land inside one (under the directory lock).
                switch random.next() % 20 {
                case 0..<10:
                    try segment.construct(UInt64.self, named: name, count: count) { churnValue(key: key, index: $0) }
                case 10..<14:
                    let found = try segment.findOrConstruct(UInt64.self, named: name, count: count) { churnValue(key: key, index: $0) }
                    let last = found.count - 1
                    let good = try segment.withSpan(of: found.offset, count: found.count) { span in
                        span[0] == churnValue(key: key, index: 0) && span[last] == churnValue(key: key, index: last)
                    }
                    guard good else { throw PeerFailure("object \(name) holds the wrong values") }
                default:
                    try segment.destroy(named: name)
                }
            } catch let error as InterprocessError where error.code == .alreadyExists || error.code == .notFound || error.code == .insufficientSpace {
            }
        }
    }

    /// `objects-walk SEGMENT OBJECT`: find the ``Node``s OBJECT (type name ``nodeTypeName``) and
    /// follow their relative pointers from the first, through the segment's checked reads and
    /// through raw pointers; print "values V1 V2 …".
    static func walkObjects(_ arguments: inout Arguments) throws {
        let segmentName = try arguments.next("SEGMENT"), object = try arguments.next("OBJECT")
        try arguments.finish()
        let shift = try AnonymousSharedMemory(size: 5 * 4096, label: "shift")
        let segment = try ManagedSegment(open: segmentName)
        _ = shift.size
        guard let (nodes, _) = try segment.find(Node.self, named: object, typeName: nodeTypeName) else { print("missing"); return }
        var values: [Int64] = []
        var node: TypedSegmentOffset<Node>? = nodes
        while let current = node, values.count < 1000 {
            let pointer = try segment.pointer(to: current)
            values.append(pointer.pointee.value)
            node = try segment.loadRelativePointer(at: current.offset + 8, as: Node.self)
            let checked: UnsafeMutablePointer<Node>? = try node.map { (next) throws(InterprocessError) in try segment.pointer(to: next) }
            guard checked == pointer.pointer(to: \.next)!.target() else {
                throw PeerFailure("the checked and the raw reads of a relative pointer disagree")
            }
        }
        print("values " + values.map(String.init).joined(separator: " "))
    }
}

