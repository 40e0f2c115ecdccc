#if os(Linux)
import Synchronization

extension SamplePool {
    /// Why `interprocess gc` must keep the pool segment `fileName`, or nil to judge it by the
    /// usual rules: a generation that its service's control segment (the same instance: the
    /// number in the name matches) records as live is part
    /// of that (persistent) service, even when its creator is dead and nothing maps it now —
    /// a subscriber may map it at any time. A pool whose service is gone is garbage.
    static func keepReason(forPool fileName: String) -> String? {
        guard let (service, nonce, generation) = parse(fileName), Service.isReadyService(service),
              let opened = try? Service(open: service), opened.storage.poolNonce == nonce
        else { return nil }
        let state = opened.storage.generationState(generation).pointee.load(ordering: .acquiring)
        guard state == ServiceLayout.GenerationState.live.rawValue else { return nil }
        return "pool generation \(generation) of service '\(service)', which records it as live"
    }

    /// The service, instance number and generation of a pool segment name
    /// `<service>.pool-<nonce>-<generation>`.
    static func parse(_ fileName: String) -> (service: String, nonce: UInt32, generation: Int)? {
        let marker = Array(".pool-".utf8)
        let bytes = Array(fileName.utf8)
        guard bytes.count > marker.count else { return nil }
        var start = bytes.count - marker.count
        while start >= 1 {
            if Array(bytes[start..<(start + marker.count)]) == marker {
                let rest = String(decoding: bytes[(start + marker.count)...], as: UTF8.self)
                let parts = rest.split(separator: "-", omittingEmptySubsequences: false)
                guard parts.count == 2, parts[0].utf8.count == 8, let nonce = UInt32(parts[0], radix: 16),
                      (1...2).contains(parts[1].utf8.count), parts[1].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                      let generation = Int(parts[1]), generation < ServiceLayout.maximumGenerations
                else { return nil }
                return (String(decoding: bytes[..<start], as: UTF8.self), nonce, generation)
            }
            start -= 1
        }
        return nil
    }
}
#endif
