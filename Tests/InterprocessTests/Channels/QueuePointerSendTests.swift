import Foundation
import Interprocess
import Testing

/// A buffer pointer handed to `send` sends the bytes it points to (issue 8's defect: the generic
/// `send<Value: BitwiseCopyable>` took the buffer pointer as a value and shipped its 16 bytes of
/// address, so `string.withUTF8 { try producer.send($0) }` compiled and delivered garbage).
/// Received by another process.
@Suite("Sending buffers", .timeLimit(.minutes(5)))
struct QueuePointerSendTests {
    static let text = "héllo, process"

    static func hex<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    @Test("SPSC: a String's UTF-8 buffer and an array's buffer arrive as their bytes")
    func spscBuffers() throws {
        let name = TestSupport.uniqueName("spsc-buffers")
        _ = try SPSCQueue(create: name, capacity: 4096, maximumRecordSize: 256)
        defer { try? SPSCQueue.remove(name) }
        var producer = try SPSCQueue(open: name).makeProducer()
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
        _ = try MPMCQueue(create: name, slotCount: 4, slotSize: 64)
        defer { try? MPMCQueue.remove(name) }
        var producer = try MPMCQueue(open: name).makeProducer()
        var text = Self.text
        try text.withUTF8 { _ = try producer.send($0, until: .after(.seconds(5))) }
        let received = try QueueSegmentEditing.probe("mpmc-receive", name, "2", "into", "try", "0", "64")
        let utf8 = Array(Self.text.utf8)
        #expect(received.standardOutput.hasPrefix("record \(utf8.count) \(Self.hex(utf8))\n"), "\(received)")
    }
}
