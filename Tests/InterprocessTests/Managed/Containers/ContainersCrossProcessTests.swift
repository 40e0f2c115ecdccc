import Foundation
import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Containers shared by real processes: concurrent writers and readers with content checks, and
/// writers SIGKILLed inside appends and inserts.
@Suite("Containers across processes", .timeLimit(.minutes(2)))
struct ContainersCrossProcessTests {
    typealias Record = ContainerFixtures.Record

    @Test("3 processes append and insert while 2 look up: every element and entry arrives intact")
    func concurrentWritersAndReaders() throws {
        try ContainerFixtures.withSegment("containers-concurrent", size: 16 << 20) { segment, name in
            let count = 1500
            // Made up front so the readers find the dictionaries.
            _ = try ContainerFixtures.map(segment, "c-map")
            _ = try ContainerFixtures.textMap(segment, "c")
            let writers = try (1...3).map { worker in try TestSupport.BackgroundPeer(["containers-write", name, "c", String(worker), String(count)]) }
            let readers = try (0..<2).map { _ in try TestSupport.BackgroundPeer(["containers-lookup", name, "c", "3", String(count), "1500"]) }
            for writer in writers {
                let outcome = try writer.wait()
                #expect(outcome.status == 0 && outcome.standardOutput == "done\n", "\(outcome)")
            }
            for reader in readers {
                let outcome = try reader.wait()
                #expect(outcome.status == 0 && outcome.standardOutput.hasSuffix("bad 0\n"), "\(outcome)")
            }
            let vector = try ContainerFixtures.vector(segment, "c")
            let records = try vector.elements
            let intact = records.allSatisfy { $0.isIntact }
            #expect(records.count == 3 * count && intact)
            for worker in UInt32(1)...3 {
                #expect(records.filter { $0.worker == worker }.map(\.sequence) == Array(0..<UInt32(count)), "worker \(worker)'s appends in order")
            }
            let map = try ContainerFixtures.map(segment, "c-map"), text = try ContainerFixtures.textMap(segment, "c")
            #expect(map.count == 3 * count && text.count == 3 * count)
            for worker in UInt32(1)...3 {
                for sequence in UInt32(0)..<UInt32(count) {
                    #expect(try map.value(forKey: ContainerFixtures.key(worker, sequence)) == Record(worker: worker, sequence: sequence))
                    #expect(try text.value(forKey: "\(worker)-\(sequence)") == ContainerFixtures.textValue(worker, sequence))
                }
            }
        }
    }

    @Test("writers SIGKILLed inside appends and inserts (300 times): survivors go on, nothing published is lost, no torn entry")
    func killedWriters() throws {
        let seed = ProcessInfo.processInfo.environment["IPC_TEST_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 0..<(1 << 62))
        var random = SeededRandom(seed: seed)
        try ContainerFixtures.withSegment("containers-kills", size: 64 << 20) { segment, name in
            let vector = try ContainerFixtures.vector(segment, "k"), map = try ContainerFixtures.map(segment, "k-map")
            let text = try ContainerFixtures.textMap(segment, "k")
            let string = try SharedString(openOrCreate: "k-string", in: segment)
            var kills = 0, survivorWrites: UInt32 = 0
            var killed: [UInt32] = []
            let end = Date().addingTimeInterval(40)
            while kills < 300, Date() < end {
                // Two victims at once, so that kills also land while another writer holds a lock.
                let victims = try (0..<2).map { _ in try LockPeerProcess("containers-churn", name, "k", String(random.next() % (1 << 40))) }
                for victim in victims { try victim.expectLine("ready") }
                usleep(UInt32(random.next() % 12_000))
                for victim in victims {
                    try victim.killAndReap()
                    killed.append(UInt32(victim.pid))
                    kills += 1
                }
                // The survivor (this process) goes on through whatever lock a victim died in.
                try vector.append(Record(worker: 0, sequence: survivorWrites))
                try map.updateValue(Record(worker: 0, sequence: survivorWrites), forKey: ContainerFixtures.key(0, survivorWrites))
                try text.updateValue(ContainerFixtures.textValue(0, survivorWrites), forKey: "0-\(survivorWrites)")
                try string.append("0:\(survivorWrites);")
                survivorWrites += 1
            }
            #expect(kills >= 300, "seed \(seed): only \(kills) kills in 40 s")
            try checkAfterKills(vector: vector, map: map, text: text, string: string, killed: killed, survivorWrites: survivorWrites, seed: seed)
            _ = try segment.verify()
            // Leak bound: what is still used once every container is gone is what the kills leaked
            // (at most a node or a storage block each) plus the directory's and the slabs' own blocks.
            let before = try segment.verify().statistics.used
            // A kill during the vector's growth leaks one storage block (the new one before the
            // switch, at most twice the capacity, or the old one after it); everything else a
            // kill leaks is one node or block of a few dozen bytes.
            let growthLeak = try vector.capacity * MemoryLayout<Record>.stride * 2
            try SharedVector<Record>.remove("k", in: segment, elementTypeName: ContainerFixtures.recordTypeName)
            try SharedDictionary<UInt64, Record>.remove("k-map", in: segment, valueTypeName: ContainerFixtures.recordTypeName)
            try SharedDictionary<String, String>.remove("k-text", in: segment)
            try SharedString.remove("k-string", in: segment)
            let after = try segment.verify().statistics.used
            print("containers-kills: seed \(seed), \(kills) kills, \(before) bytes used before removal, \(after) after")
            #expect(after < growthLeak + 1 << 20, "seed \(seed): \(after) bytes still used after removing every container (\(kills) kills)")
        }
    }

    /// What every kill must leave: intact records, each writer's published items a prefix of its
    /// sequence (a later container at most one behind an earlier one), counts that agree.
    func checkAfterKills(vector: SharedVector<Record>, map: SharedDictionary<UInt64, Record>, text: SharedDictionary<String, String>,
                         string: SharedString, killed: [UInt32], survivorWrites: UInt32, seed: UInt64) throws {
        let records = try vector.elements
        let intact = records.allSatisfy { $0.isIntact }
        #expect(intact, "seed \(seed): a torn record")
        var appended: [UInt32: UInt32] = [:]
        for record in records {
            #expect(record.sequence == appended[record.worker, default: 0], "seed \(seed): worker \(record.worker)'s appends out of order")
            appended[record.worker] = record.sequence + 1
        }
        #expect(appended[0] == survivorWrites, "seed \(seed): the survivor's appends")
        let entries = try map.elements
        #expect(entries.count == map.count, "seed \(seed): the stripes' counts disagree with their chains")
        var inserted: [UInt32: Set<UInt32>] = [:], temporary: [UInt32: Int] = [:]
        for (key, value) in entries {
            #expect(value.isIntact && UInt64(value.worker) == key >> 32, "seed \(seed): entry \(key) holds \(value)")
            let sequence = UInt32(truncatingIfNeeded: key)
            if sequence == 0x7fff_ffff { continue }   // the key a peer rewrites after its 2000 items
            if sequence & (1 << 31) != 0 { temporary[value.worker, default: 0] += 1 } else { inserted[value.worker, default: []].insert(sequence) }
        }
        #expect(temporary.values.allSatisfy { $0 <= 2 }, "seed \(seed): temporary keys left: \(temporary)")
        let textEntries = try text.elements
        #expect(textEntries.count == text.count)
        var texts: [UInt32: Set<UInt32>] = [:]
        for (key, value) in textEntries {
            let parts = key.split(separator: "-").compactMap { UInt32($0) }
            #expect(parts.count == 2 && value == ContainerFixtures.textValue(parts[0], parts[1]), "seed \(seed): \(key) → \(value)")
            if parts.count == 2 { texts[parts[0], default: []].insert(parts[1]) }
        }
        var strings: [UInt32: UInt32] = [:]
        for token in try string.value.split(separator: ";") {
            let parts = token.split(separator: ":").compactMap { UInt32($0) }
            #expect(parts.count == 2, "seed \(seed): a torn token '\(token)'")
            guard parts.count == 2 else { continue }
            #expect(parts[1] == strings[parts[0], default: 0], "seed \(seed): worker \(parts[0])'s string appends out of order")
            strings[parts[0]] = parts[1] + 1
        }
        for worker in killed + [0] {
            let n = appended[worker, default: 0]
            let m = UInt32(inserted[worker, default: []].count), t = UInt32(texts[worker, default: []].count)
            #expect(inserted[worker, default: []] == Set(0..<m) && texts[worker, default: []] == Set(0..<t),
                    "seed \(seed): worker \(worker)'s published inserts are not a prefix")
            #expect(m <= n && m + 1 >= n && t <= m && t + 1 >= m, "seed \(seed): worker \(worker): \(n) appended, \(m) inserted, \(t) texts")
            let s = strings[worker, default: 0]
            #expect(s <= t && s + 1 >= t, "seed \(seed): worker \(worker): \(t) texts, \(s) string appends")
        }
    }
}
