import ArgumentParser
import Interprocess
import SystemPackage

/// `interprocess check NAME`: verifies a managed segment's heap (a fsck).
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Verify a managed segment's heap.",
        discussion: """
            Walks every block, free list, slab and thread-cache record of a managed segment and \
            checks that they agree (ManagedSegment.verify()), holding the heap lock; a heap whose \
            last lock holder died is repaired first. Prints the heap's statistics, or the first \
            problem found, naming the block. Exits 2 for a corrupt heap, 1 for other errors. \
            JSON: {"report": {...}} or {"error": {...}}.
            """
    )

    @Argument(help: "The managed segment's name (or a label, with --file).")
    var name: String

    @Option(help: "The managed segment is the file at this path.")
    var file: String?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if file == nil { try UsageChecks.segmentName(name) }
    }

    func run() throws {
        let report: HeapReport
        do {
            let heap = try ManagedSegment(open: name, backing: file.map { .file(path: FilePath($0)) } ?? .sharedMemory)
            report = try heap.verify()
        } catch {
            let code = output.report(error)
            throw error.code == .corrupt ? ExitCode.invalidSegment : code
        }
        if output.json {
            try output.printJSON(["report": report])
        } else {
            print("\(name): heap verified: \(report.blocks) blocks, \(report.listedFreeBlocks) free, \(report.heldCacheRecords) thread caches held")
            print(Formatting.table(HeapText.rows(report.statistics).map { [$0[0] + ":", $0[1]] }), terminator: "")
        }
    }
}

/// A heap's statistics, one labelled line each (`check` and `inspect`).
enum HeapText {
    static func rows(_ statistics: HeapStatistics) -> [[String]] {
        [
            ["heap size", "\(Formatting.size(statistics.size)) of at most \(Formatting.size(statistics.maximumSize)) (heap proper \(Formatting.size(statistics.heapSize)))"],
            ["used", "\(Formatting.size(statistics.used)) in \(statistics.largeBlocks) large and \(statistics.smallBlocks) small blocks"],
            ["free", "\(Formatting.size(statistics.free)), largest free block \(Formatting.size(statistics.largestFreeBlock))"],
            ["fragmentation", String(format: "%.1f%%", statistics.fragmentation * 100)],
            ["blocks", "\(statistics.freeBlocks) free large blocks, \(statistics.slabs) slabs"],
        ] + (statistics.problem.map { [["problem", $0]] } ?? [])
    }
}
