import Foundation
import Testing

/// Issue 8's defect, at compile time: a lone pointer passed to `send` must not compile (it used
/// to match the generic value send and ship its address), while arrays, strings, buffer pointers
/// and values do. Compiles snippets against the built `Interprocess` module with `swiftc
/// -typecheck`.
@Suite("Sending pointers does not compile", .timeLimit(.minutes(5)))
struct QueuePointerCompileTests {
    /// Type-checks `source` against the built module; returns swiftc's exit status and output.
    static func typecheck(_ source: String) throws -> (status: Int32, output: String) {
        let products = TestSupport.productsDirectory
        let checkouts = products.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("checkouts")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("\(TestSupport.uniqueName("snippet")).swift")
        try source.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let arguments = [
            "swiftc", "-typecheck", "-swift-version", "6", "-I", products.appendingPathComponent("Modules").path,
            "-Xcc", "-fmodule-map-file=\(products.appendingPathComponent("CInterprocessShim.build/module.modulemap").path)",
            "-Xcc", "-I", "-Xcc", TestSupport.repositoryRoot.appendingPathComponent("Sources/CInterprocessShim/include").path,
            "-Xcc", "-fmodule-map-file=\(checkouts.appendingPathComponent("swift-system/Sources/CSystem/include/module.modulemap").path)",
            file.path,
        ]
        let outcome = try TestSupport.run(URL(fileURLWithPath: "/usr/bin/env"), arguments, timeout: 100)
        return (outcome.status, outcome.standardOutput + outcome.standardError)
    }

    /// Sends of every byte-carrying kind, on both producers, in every form.
    static let accepted = """
        import Interprocess
        struct Tick: InterprocessValue { var price: Double; var volume: UInt32 }
        func spsc(_ p: inout SPSCProducer, _ text: String, _ bytes: [UInt8]) throws {
            var text = text, bytes = bytes
            try p.send(contentsOf: bytes)
            _ = try p.trySend(contentsOf: bytes)
            try p.send(contentsOf: bytes, timeout: .seconds(1))
            try p.send(text)
            try p.send(UInt64(1), until: .after(.seconds(1)))
            try p.send(Tick(price: 1, volume: 2))
            try text.withUTF8 { buffer in try p.send(buffer) }
            try bytes.withUnsafeBytes { raw in _ = try p.trySend(raw) }
            try bytes.withUnsafeMutableBytes { raw in try p.send(raw, until: .never) }
            try bytes.withUnsafeMutableBufferPointer { buffer in try p.send(buffer, timeout: .seconds(1)) }
        }
        func mpmc(_ p: inout MPMCProducer, _ text: String, _ bytes: [UInt8]) throws {
            var text = text
            try p.send(contentsOf: bytes)
            try p.send(text)
            try text.withUTF8 { buffer in _ = try p.trySend(buffer) }
            try p.send(42)
        }
        func asyncForms(_ s: inout SPSCProducer, _ m: inout MPMCProducer, _ bytes: [UInt8], _ ticks: UnsafeBufferPointer<UInt64>, _ chars: UnsafeMutableBufferPointer<UInt8>) async throws(InterprocessError) {
            try await s.send(contentsOf: bytes)
            try await s.send(UInt64(1), timeout: .seconds(1))
            try await m.send(Int32(7), until: .never)
            try await s.send(ticks)
            try await m.send(ticks, timeout: .seconds(1))
            try await s.send(chars, until: .never)
            try await m.send(chars)
        }
        """

    /// One lone pointer or pointer-element buffer per `send` line, blocking and async: each such
    /// line must be an error.
    static let refused = """
        import Interprocess
        func refused(_ s: inout SPSCProducer, _ m: inout MPMCProducer, _ raw: UnsafeMutableRawPointer) throws(InterprocessError) {
            let typed = raw.assumingMemoryBound(to: UInt64.self)
            try s.send(raw)
            try s.send(UnsafeRawPointer(raw))
            try s.send(typed)
            try s.send(UnsafePointer(typed))
            try s.send(OpaquePointer(raw))
            _ = try s.trySend(raw)
            try s.send(raw, until: .never)
            try s.send(typed, timeout: .seconds(1))
            _ = try s.trySend(typed, publish: true)
            try m.send(raw)
            try m.send(UnsafeRawPointer(raw))
            try m.send(typed)
            try m.send(UnsafePointer(typed))
            try m.send(OpaquePointer(raw))
            _ = try m.trySend(raw)
            try m.send(typed, until: .never)
            try s.send(UnsafeBufferPointer<UnsafeRawPointer>(start: nil, count: 0))
            try m.send(UnsafeMutableBufferPointer<OpaquePointer>(start: nil, count: 0), timeout: .seconds(1))
        }
        func refusedAsync(_ s: inout SPSCProducer, _ m: inout MPMCProducer, _ raw: UnsafeMutableRawPointer) async throws(InterprocessError) {
            let typed = raw.assumingMemoryBound(to: UInt64.self)
            try await s.send(raw)
            try await s.send(typed, timeout: .seconds(1))
            try await s.send(OpaquePointer(raw), until: .never)
            try await m.send(UnsafeRawPointer(raw))
            try await m.send(typed, until: .never)
            try await s.send(UnsafeBufferPointer<UnsafeRawPointer>(start: nil, count: 0))
            try await s.send(UnsafeMutableBufferPointer<UnsafeMutablePointer<UInt8>>(start: nil, count: 0), until: .never)
            try await m.send(UnsafeBufferPointer<OpaquePointer>(start: nil, count: 0), timeout: .seconds(1))
            try await m.send(UnsafeMutableBufferPointer<UnsafeRawPointer>(start: nil, count: 0))
        }
        """

    @Test("arrays, strings, buffer pointers and values compile as sends")
    func acceptedForms() throws {
        let result = try Self.typecheck(Self.accepted)
        #expect(result.status == 0, "\(result.output)")
    }

    @Test("every lone pointer passed to send or trySend is a compile error")
    func lonePointersAreRefused() throws {
        let result = try Self.typecheck(Self.refused)
        #expect(result.status != 0)
        let lines = Self.refused.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() where line.contains("send") {
            #expect(result.output.contains(".swift:\(index + 1):"), "line \(index + 1) compiled: \(line)\n\(result.output)")
        }
    }
}
