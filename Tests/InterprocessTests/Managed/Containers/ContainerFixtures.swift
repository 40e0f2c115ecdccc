import Interprocess

/// What the container tests share with the test peer (`ContainersCommands` there).
enum ContainerFixtures {
    /// The peer's `Record`: who wrote it, its place in the writer's sequence, and a check word.
    struct Record: BitwiseCopyable, SharedBytesConvertible, Equatable {
        var worker: UInt32
        var sequence: UInt32
        var check: UInt64

        init(worker: UInt32, sequence: UInt32) {
            self.worker = worker
            self.sequence = sequence
            self.check = (UInt64(worker) << 32 | UInt64(sequence)) &* 0x9E37_79B9_7F4A_7C15
        }

        var isIntact: Bool { self == Record(worker: worker, sequence: sequence) }
    }

    /// The type name the peer gives `Record`.
    static let recordTypeName = "interprocess-tests.Record"

    static func key(_ worker: UInt32, _ sequence: UInt32) -> UInt64 { UInt64(worker) << 32 | UInt64(sequence) }
    static func textValue(_ worker: UInt32, _ sequence: UInt32) -> String {
        "value-\(worker)-\(sequence)-" + String(repeating: "x", count: Int(sequence % 37))
    }

    static func vector(_ segment: ManagedSegment, _ name: String) throws -> SharedVector<Record> {
        try SharedVector<Record>(openOrCreate: name, in: segment, elementTypeName: recordTypeName)
    }
    static func map(_ segment: ManagedSegment, _ name: String) throws -> SharedDictionary<UInt64, Record> {
        try SharedDictionary<UInt64, Record>(openOrCreate: name, in: segment, bucketCount: 256, stripeCount: 8, valueTypeName: recordTypeName)
    }
    static func textMap(_ segment: ManagedSegment, _ name: String) throws -> SharedDictionary<String, String> {
        try SharedDictionary<String, String>(openOrCreate: name + "-text", in: segment, bucketCount: 256, stripeCount: 8)
    }

    /// A managed segment under a fresh name, removed after `body`.
    static func withSegment(_ label: String, size: Int = 1 << 22, _ body: (ManagedSegment, String) throws -> Void) throws {
        let name = TestSupport.uniqueName(label)
        defer { try? ManagedSegment.remove(name) }
        try body(try ManagedSegment(create: name, size: size), name)
    }
}
