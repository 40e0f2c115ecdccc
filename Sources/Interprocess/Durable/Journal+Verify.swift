#if os(Linux)
import Synchronization

/// What ``Journal/verify()`` found.
public struct JournalVerification: Sendable, Codable, Hashable {
    /// One thing wrong, and where.
    public struct Problem: Sendable, Codable, Hashable, CustomStringConvertible {
        /// The cycle it is in.
        public var cycle: UInt64
        /// The byte offset in the cycle file, if it is about a record.
        public var offset: Int?
        /// The sequence number expected there, if it is about a record.
        public var sequence: UInt64?
        /// What is wrong.
        public var reason: String

        /// "cycle 3, offset 4096, sequence 17: …".
        public var description: String {
            var text = "cycle \(cycle)"
            if let offset { text += ", offset \(offset)" }
            if let sequence { text += ", sequence \(sequence)" }
            return text + ": " + reason
        }
    }

    /// How many cycles were read.
    public var cycles: Int
    /// How many records passed every check.
    public var records: UInt64
    /// Everything wrong, in file order.
    public var problems: [Problem]
    /// Whether nothing is wrong.
    public var isValid: Bool { problems.isEmpty }
}

extension Journal {
    /// Reads every record of every cycle and checks every checksum, sequence number, index entry
    /// and seal. A record left torn at the very end of the newest cycle (a writer killed while
    /// the machine crashed) is reported too: the next writer cuts it off.
    ///
    /// - Throws: only when the control file or the directory cannot be read.
    public func verify() throws(InterprocessError) -> JournalVerification {
        let directory = path.string
        _ = try JournalControl.open(directory: directory, operation: "verify journal")
        let numbers = try JournalFiles.cycleNumbers(directory, operation: "verify journal")
        var problems: [JournalVerification.Problem] = []
        var records: UInt64 = 0
        var expectedFirst: UInt64?
        for (index, number) in numbers.enumerated() {
            let cycle: JournalCycle
            do {
                cycle = try JournalCycle.open(directory: directory, number: number, writable: false, operation: "verify journal")
            } catch {
                problems.append(.init(cycle: number, reason: error.reason))
                expectedFirst = nil
                continue
            }
            if let expectedFirst, cycle.firstSequence != expectedFirst, index > 0, numbers[index - 1] == number - 1 {
                problems.append(.init(cycle: number, sequence: expectedFirst,
                                      reason: "it starts at sequence \(cycle.firstSequence), not where the previous cycle ended"))
            }
            var position = cycle.dataStart
            var sequence = cycle.firstSequence
            while true {
                let length = cycle.look(at: position, expecting: sequence)
                if length < 0 {
                    if length == JournalCycle.invalid {
                        problems.append(.init(cycle: number, offset: position, sequence: sequence,
                                              reason: "the record there is torn or corrupt (bad length, sequence or checksum)"))
                    }
                    break
                }
                if (sequence &- cycle.firstSequence) % UInt64(cycle.indexSpacing) == 0 {
                    let slot = Int((sequence &- cycle.firstSequence) / UInt64(cycle.indexSpacing))
                    let entry = slot < cycle.indexCapacity ? cycle.indexWord(slot).pointee.load(ordering: .relaxed) : 0
                    if entry != 0, entry != UInt64(position) {
                        problems.append(.init(cycle: number, offset: position, sequence: sequence,
                                              reason: "index entry \(slot) says offset \(entry)"))
                    }
                }
                records &+= 1
                position = JournalCycle.end(of: position, length: length)
                sequence &+= 1
            }
            let sealed = cycle.sealed.pointee.load(ordering: .acquiring)
            if sealed != 0, sealed != UInt64(position) {
                problems.append(.init(cycle: number, offset: position, sequence: sequence,
                                      reason: "it is sealed at offset \(sealed), but its records end here"))
            }
            expectedFirst = sequence
        }
        return JournalVerification(cycles: numbers.count, records: records, problems: problems)
    }
}
#endif
