import Foundation
import Interprocess
import Testing

/// A buffer pointer handed to `send` sends the bytes it points to, and a lone pointer is refused
/// (issue 8's defect: the generic `send<Value: BitwiseCopyable>` took a pointer as a value and
/// shipped its 16 bytes of address, so `string.withUTF8 { try producer.send($0) }` compiled and
/// delivered garbage). Received by another process.
@Suite("Sending buffers and pointers", .timeLimit(.minutes(1)))
struct QueuePointerSendTests {
    static let text = "héllo, process"

    static func hex<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    @Test("SPSC: a String's UTF-8 buffer and an array's buffer arrive as their bytes")
    func spscBuffers() throws {
        let name = TestSupport.uniqueName("spsc-buffers")
        try SPSCQueue.create(name, capacity: 4096, maximumRecordSize: 256)
        defer { try? SPSCQueue.remove(name) }
        var producer = try SPSCProducer(attachingTo: name)
        var text = Self.text
        try text.withUTF8 { try producer.send($0) }
        let numbers: [UInt32] = [1, 2, 0xDEAD_BEEF]
        _ = try numbers.withUnsafeBufferPointer { try producer.trySend($0) }
        let received = try QueueSegmentEditing.probe("spsc-receive", name, "3", "try", "0")
        let utf8 = Array(Self.text.utf8)
        let words = numbers.withUnsafeBytes { Array($0) }
        #expect(received.standardOutput == "record \(utf8.count) \(Self.hex(utf8))\nrecord 12 \(Self.hex(words))\nempty\n", "\(received)")
    }

    @Test("MPMC: a String's UTF-8 buffer arrives as its bytes")
    func mpmcBuffers() throws {
        let name = TestSupport.uniqueName("mpmc-buffers")
        try MPMCQueue.create(name, slotCount: 4, slotSize: 64)
        defer { try? MPMCQueue.remove(name) }
        var producer = try MPMCProducer(attachingTo: name)
        var text = Self.text
        try text.withUTF8 { _ = try producer.send($0, until: .after(.seconds(5))) }
        let received = try QueueSegmentEditing.probe("mpmc-receive", name, "2", "into", "try", "0", "64")
        let utf8 = Array(Self.text.utf8)
        #expect(received.standardOutput.hasPrefix("record \(utf8.count) \(Self.hex(utf8))\n"), "\(received)")
    }

    @Test("a lone pointer handed to send draws a compiler warning that says why")
    func pointerSendWarns() throws {
        let products = TestSupport.productsDirectory
        let source = FileManager.default.temporaryDirectory.appendingPathComponent("pointer-send-\(getpid()).swift")
        try """
            import Interprocess
            func send(_ producer: inout SPSCProducer, _ other: inout MPMCProducer) throws {
                let value = 42
                try withUnsafePointer(to: value) { try producer.send($0) }
                try withUnsafePointer(to: value) { _ = try other.trySend(UnsafeRawPointer($0)) }
            }
            """.write(to: source, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: source) }
        // <scratch path>/<triple>/debug holds the products; <scratch path>/checkouts the dependencies.
        let checkouts = products.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("checkouts/swift-system/Sources/CSystem/include")
        let outcome = try TestSupport.run(URL(fileURLWithPath: "/usr/bin/env"), [
            "swiftc", "-typecheck", source.path,
            "-I", products.appendingPathComponent("Modules").path,
            "-Xcc", "-fmodule-map-file=" + products.appendingPathComponent("CInterprocessShim.build/module.modulemap").path,
            "-I", checkouts.path,
        ], timeout: 120)
        #expect(outcome.status == 0, "\(outcome)")
        let warnings = outcome.standardError.components(separatedBy: "meaningless in another").count - 1
        #expect(warnings >= 2, "both pointer sends warn: \(outcome.standardError)")
    }
}
