#if os(Linux)
internal import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension MappedArray where Element: Comparable {
    /// Sorts the elements in ascending order within `memoryBudget` bytes of memory, however
    /// large the file: an external merge sort.
    ///
    /// Runs of about two thirds of the budget (and at most one window) are sorted in place in
    /// the mapping; runs are then merged, up to 64 at a time, from the file into a second file
    /// beside it (and back, pass after pass) through buffers that share the budget, and the
    /// sorted file finally takes the array's path (`rename`). Other handles keep the file they
    /// opened, unsorted, until they open the path again. A file that fits in one run is sorted
    /// in place, with no second file.
    ///
    /// ```swift
    /// try samples.sort(memoryBudget: 256 << 20)
    /// ```
    ///
    /// - Parameter memoryBudget: bytes of memory to use at most (besides the kernel's page
    ///   cache), at least 4096. Default 64 MiB.
    /// - Throws: `readOnly` for a read-only handle; `invalidArgument` for a budget below 4096;
    ///   `insufficientSpace` when the second file does not fit; `truncated` when the file was
    ///   shortened under the sort. The array is then unchanged or partly sorted, never lost.
    /// - Complexity: O(n log n) comparisons; about 1 + log₆₄(runs) reads and writes of the file.
    public mutating func sort(memoryBudget: Int = 64 << 20) throws(InterprocessError) {
        let operation = "sort mapped array"
        try requireWriter(operation)
        guard memoryBudget >= 4096 else {
            throw InterprocessError(.invalidArgument, operation: operation, name: label,
                                    reason: "the memory budget must be at least 4096 bytes (got \(memoryBudget))")
        }
        let total = knownCount
        guard total > 1 else { return }
        var runLength = Swift.max(2, memoryBudget / 3 * 2 / Self.stride)
        if windowSize != nil { runLength = Swift.min(runLength, Swift.max(2, windowElements)) }
        var runs: [Range<Int>] = []
        var start = 0
        while start < total {
            let run = start..<Swift.min(total, start + runLength)
            let base = try mapWindow(covering: run)
            var elements = UnsafeMutableBufferPointer(start: base, count: run.count)
            elements.sort()
            // Sorted runs go back to the file as the kernel sees fit; this process keeps none.
            adviseWindow(.dontNeed, elements: run)
            runs.append(run)
            start = run.upperBound
        }
        guard runs.count > 1 else { return }
        unmapWindow()
        try mergeRuns(runs, memoryBudget: memoryBudget, operation: operation)
    }

    /// Merges sorted `runs` pass by pass between the array's file and a second file, then
    /// leaves the result at the array's path.
    private mutating func mergeRuns(_ runs: [Range<Int>], memoryBudget: Int, operation: String) throws(InterprocessError) {
        let fanIn = Swift.min(64, Swift.max(2, memoryBudget / (64 << 10)))
        let bufferElements = Swift.max(1, memoryBudget / ((fanIn + 1) * Self.stride))
        let hidden = MappedArrayFile.hiddenSibling(of: path, tag: ".ipc-sort.")
        let spare = try MappedArrayFile.createExclusive(hidden, permissions: FilePermissions(rawValue: 0o600),
                                                        operation: operation, name: label)
        var renamed = false
        defer {
            if !renamed {
                unlink(hidden)
                close(spare)
            }
        }
        let fileSize = try SharedMemory.fileSize(of: descriptor, operation: operation, name: label)
        try SpaceReservation.size(spare, to: Swift.max(fileSize, 1), policy: allocation == .reserved ? .reserve : .sparse,
                                  operation: operation, name: label)
        var mode = stat()
        if fstat(descriptor, &mode) == 0 { fchmod(spare, mode.st_mode & 0o7777) }
        if !isRaw {
            // The second file is a whole array file too: the same header page, so either can end up at the path.
            let page = UnsafeMutableRawPointer.allocate(byteCount: dataOffset, alignment: 16)
            defer { page.deallocate() }
            try MappedArrayFile.read(descriptor, into: page, count: dataOffset, at: 0, operation: operation, name: label)
            try MappedArrayFile.write(spare, from: page, count: dataOffset, at: 0, operation: operation, name: label)
        }
        let merger = RunMerger<Element>(fanIn: fanIn, bufferElements: bufferElements, dataOffset: dataOffset,
                                        operation: operation, label: label)
        defer { merger.deallocate() }
        var runs = runs
        var source = descriptor, target = spare
        while runs.count > 1 {
            var merged: [Range<Int>] = []
            var first = 0
            while first < runs.count {
                let group = runs[first..<Swift.min(runs.count, first + fanIn)]
                try merger.merge(group, from: source, to: target)
                merged.append(group.first!.lowerBound..<group.last!.upperBound)
                first += fanIn
            }
            runs = merged
            swap(&source, &target)
        }
        guard source == spare else { return }
        // The sorted data is in the second file: it takes the path, with the writer's lock.
        try MappedArrayFile.lockWriter(spare, at: isRaw ? 0 : MappedArrayLayout.Field.writer.offset,
                                       operation: operation, name: label) { "another handle" }
        try checkedCall(operation, name: label) { rename(hidden, path.string) }
        renamed = true
        mappings.header = nil
        headerBase = nil
        countWord = nil
        close(descriptor)
        descriptor = spare
        if !isRaw {
            let page = try MappedRegion(descriptor: spare, offset: 0, length: MappedArrayLayout.dataOffset,
                                        access: .readWrite, populate: false, label: label)
            countWord = MappedArrayLayout.word(.count, in: page.baseAddress)
            headerBase = page.baseAddress
            mappings.header = consume page
        }
    }
}

/// The k-way merge of an external sort: one read buffer per run and one write buffer, all
/// allocated once within the memory budget, and a binary heap of the runs by their next element.
struct RunMerger<Element: BitwiseCopyable & Comparable> {
    let fanIn: Int
    let bufferElements: Int
    let dataOffset: Int
    let operation: String
    let label: String
    let input: UnsafeMutableBufferPointer<Element>
    let output: UnsafeMutableBufferPointer<Element>

    init(fanIn: Int, bufferElements: Int, dataOffset: Int, operation: String, label: String) {
        self.fanIn = fanIn
        self.bufferElements = bufferElements
        self.dataOffset = dataOffset
        self.operation = operation
        self.label = label
        input = .allocate(capacity: fanIn * bufferElements)
        output = .allocate(capacity: bufferElements)
    }

    func deallocate() {
        input.deallocate()
        output.deallocate()
    }

    private var elementStride: Int { MemoryLayout<Element>.stride }

    /// Merges the sorted `runs` (adjacent) of `source` into the same positions of `target`.
    func merge(_ runs: ArraySlice<Range<Int>>, from source: Int32, to target: Int32) throws(InterprocessError) {
        let runs = Array(runs)
        var next = runs.map(\.lowerBound)
        var position = [Int](repeating: 0, count: runs.count)
        var filled = [Int](repeating: 0, count: runs.count)
        func refill(_ run: Int) throws(InterprocessError) {
            let count = Swift.min(bufferElements, runs[run].upperBound - next[run])
            if count > 0 {
                try MappedArrayFile.read(source, into: input.baseAddress! + run * bufferElements, count: count * elementStride,
                                         at: dataOffset + next[run] * elementStride, operation: operation, name: label)
            }
            next[run] += count
            position[run] = 0
            filled[run] = count
        }
        func head(_ run: Int) -> Element { input[run * bufferElements + position[run]] }
        var heap: [Int] = []
        for run in runs.indices {
            try refill(run)
            if filled[run] > 0 { heap.append(run) }
        }
        func siftDown(_ start: Int) {
            var parent = start
            while true {
                let left = 2 * parent + 1
                guard left < heap.count else { return }
                var smallest = left
                if left + 1 < heap.count && head(heap[left + 1]) < head(heap[left]) { smallest = left + 1 }
                guard head(heap[smallest]) < head(heap[parent]) else { return }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
        for index in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(index) }
        var written = runs.first!.lowerBound
        var pending = 0
        func drain() throws(InterprocessError) {
            guard pending > 0 else { return }
            try MappedArrayFile.write(target, from: output.baseAddress!, count: pending * elementStride,
                                      at: dataOffset + written * elementStride, operation: operation, name: label)
            written += pending
            pending = 0
        }
        while let run = heap.first {
            output[pending] = head(run)
            pending += 1
            if pending == bufferElements { try drain() }
            position[run] += 1
            if position[run] == filled[run] {
                try refill(run)
                if filled[run] == 0 {
                    heap.swapAt(0, heap.count - 1)
                    heap.removeLast()
                }
            }
            siftDown(0)
        }
        try drain()
    }
}
#endif
