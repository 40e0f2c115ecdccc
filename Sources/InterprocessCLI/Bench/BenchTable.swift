import Foundation

/// The report as tables for people.
enum BenchTable {
    static func render(_ report: BenchReport) -> String {
        var text = "interprocess bench — \(report.machine.cpuModel), \(report.machine.logicalCPUs) CPUs, \(report.machine.kernel); "
        text += "bench on CPU \(report.cpus[0]), peer on CPU \(report.cpus[1])\(report.quick ? " (quick: short runs)" : "")\n"
        if !report.latency.isEmpty {
            text += "\nLatency, one way (round trip / 2), in ns, by message size (no payload for the futex and the semaphore, condition and mutex handoffs). "
            text += "×floor: p50 and p99.9 over the C spin floor's (8 B only); ×best: p50 over the best channel baseline's of the same size (8 B: \(report.latency[0].bestBaseline?.rawValue ?? "-")), or for the semaphore, condition and mutex handoffs over glibc's sem_t, pthread_cond_t and robust pthread_mutex_t.\n\n"
            var rows = [["size", "transport", "p50", "p90", "p99", "p99.9", "max", "×floor p50", "×floor p99.9", "×best p50", "sleeps/rt", "round trips"]]
            for row in report.latency {
                let value = row.oneWayNanoseconds
                rows.append([Formatting.size(row.messageBytes), label(row.transport, row.role), ns(value.p50), ns(value.p90), ns(value.p99), ns(value.p999), ns(value.max),
                             ratio(row.ratioToFloor?.p50), ratio(row.ratioToFloor?.p999), ratio(row.ratioToBestBaseline?.p50),
                             String(format: "%.2f", row.sleepsPerRoundTrip), String(row.rounds)])
            }
            text += Formatting.table(rows) + "\n"
        }
        if !report.throughput.isEmpty {
            text += "\nThroughput, one producer process to one consumer process (mpmc-2p1c: two producer processes, both on the peer's CPU, and one consumer). ×floor: over the C fixed-slot ring; ×best: over the best baseline of the same size.\n\n"
            var rows = [["size", "transport", "msgs/s", "GB/s", "×floor", "×best", "best baseline", "messages"]]
            for row in report.throughput {
                rows.append([Formatting.size(row.messageBytes), label(row.transport, row.role), rate(row.messagesPerSecond),
                             String(format: "%.2f", row.gigabytesPerSecond), ratio(row.ratioToFloor), ratio(row.ratioToBestBaseline),
                             row.bestBaseline?.rawValue ?? "-", String(row.messages)])
            }
            text += Formatting.table(rows) + "\n"
        }
        if !report.locks.isEmpty {
            text += "\nLocks, uncontended lock + unlock in one process (best of 3). ×baseline: over the glibc process-shared robust pthread mutex.\n\n"
            var rows = [["lock", "ns/pair", "×baseline", "pairs"]]
            for row in report.locks {
                rows.append([label(row.transport, row.role), String(format: "%.1f", row.nanosecondsPerPair),
                             ratio(row.ratioToBaseline), String(row.pairs)])
            }
            text += Formatting.table(rows) + "\n"
        }
        if !report.broadcast.isEmpty {
            text += BroadcastBench.table(report.broadcast)
        }
        if !report.blackboard.isEmpty {
            text += BlackboardBench.table(report.blackboard)
            text += BlackboardInterleavedBench.table(report.blackboardInterleaved)
        }
        text += PubSubTable.render(report.pubsub)
        if !report.legacy.isEmpty {
            text += LegacyBench.table(report.legacy)
        }
        if !report.heap.isEmpty {
            text += HeapBench.table(report.heap)
        }
        if !report.containers.isEmpty {
            text += ContainerBench.table(report.containers)
        }
        text += RPCBench.table(report.rpc)
        if !report.waitset.isEmpty {
            text += WaitSetBench.table(report.waitset)
        }
        if !report.messageQueue.isEmpty {
            text += MessageQueueBench.table(report.messageQueue)
        }
        if !report.shmVsMmap.isEmpty {
            text += ShmVsMmapBench.table(report.shmVsMmap)
        }
        if !report.journal.isEmpty { text += JournalBench.table(report.journal) }
        return text
    }

    static func label(_ transport: BenchTransport, _ role: BenchRole) -> String {
        role == .subject ? transport.rawValue : "\(transport.rawValue) (\(role.rawValue))"
    }

    static func ns(_ value: Double) -> String {
        value >= 100 ? String(format: "%.0f", value) : String(format: "%.1f", value)
    }

    static func ratio(_ value: Double?) -> String {
        guard let value else { return "-" }
        return value >= 10 ? String(format: "%.0f×", value) : String(format: "%.2f×", value)
    }

    static func rate(_ perSecond: Double) -> String {
        switch perSecond {
        case 1e9...: String(format: "%.2f G", perSecond / 1e9)
        case 1e6...: String(format: "%.1f M", perSecond / 1e6)
        case 1e3...: String(format: "%.1f K", perSecond / 1e3)
        default: String(format: "%.0f", perSecond)
        }
    }
}
