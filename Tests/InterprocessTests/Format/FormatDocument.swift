import Foundation

/// `docs/FORMAT.md`, and the Markdown tables in it, for checking the document against the code.
struct FormatDocument {
    let lines: [String]

    static func load() throws -> FormatDocument {
        let url = TestSupport.repositoryRoot.appendingPathComponent("docs/FORMAT.md")
        let text = try String(contentsOf: url, encoding: .utf8)
        return FormatDocument(lines: text.components(separatedBy: "\n"))
    }

    /// The body rows of the first table under the heading `heading` (a whole line, such as
    /// "## Segment header", up to the next heading of the same or a higher level) whose header
    /// row has exactly `columns`. Each row is its trimmed cells.
    func table(under heading: String, columns: [String]) throws -> [[String]] {
        guard let headingIndex = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == heading }) else {
            throw TestFailure("docs/FORMAT.md has no heading \"\(heading)\"")
        }
        let level = heading.prefix { $0 == "#" }.count
        var index = headingIndex + 1
        while index < lines.count {
            let line = lines[index]
            if FormatDocument.headingLevel(line).map({ $0 <= level }) == true { break }
            if FormatDocument.cells(line) == columns {
                return Array(lines[(index + 2)...].prefix { FormatDocument.isTableRow($0) }.map { FormatDocument.cells($0)! })
            }
            index += 1
        }
        throw TestFailure("docs/FORMAT.md has no table with columns \(columns) under \"\(heading)\"")
    }

    /// The cells of a table row, trimmed; nil for a line that is not a table row.
    static func cells(_ line: String) -> [String]? {
        guard isTableRow(line) else { return nil }
        var parts = line.trimmingCharacters(in: .whitespaces).split(separator: "|", omittingEmptySubsequences: false)
        parts.removeFirst()
        parts.removeLast()
        return parts.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// The text of a cell that is exactly one code span (`` `magic` `` gives "magic"), else nil.
    static func codeSpan(_ cell: String) -> String? {
        guard cell.count >= 2, cell.first == "`", cell.last == "`" else { return nil }
        let inner = cell.dropFirst().dropLast()
        return inner.contains("`") ? nil : String(inner)
    }

    /// A cell holding a decimal or `0x` hexadecimal integer.
    static func integer(_ cell: String) -> UInt64? {
        let text = cell.replacingOccurrences(of: "_", with: "")
        if text.hasPrefix("0x") { return UInt64(text.dropFirst(2), radix: 16) }
        return UInt64(text)
    }

    /// How many bytes a type of the header table's Type column takes: `uint32 LE` is 4,
    /// `int32 LE` 4, `char[8]` 8, `byte[56]` 56.
    static func byteCount(ofType type: String) -> Int? {
        let word = type.split(separator: " ").first.map(String.init) ?? type
        for prefix in ["uint", "int"] where word.hasPrefix(prefix) {
            return Int(word.dropFirst(prefix.count)).map { $0 / 8 }
        }
        for prefix in ["char[", "byte["] where word.hasPrefix(prefix) && word.hasSuffix("]") {
            return Int(word.dropFirst(prefix.count).dropLast())
        }
        return nil
    }

    private static func isTableRow(_ line: String) -> Bool {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return trimmed.count >= 2 && trimmed.hasPrefix("|") && trimmed.hasSuffix("|")
    }

    private static func headingLevel(_ line: String) -> Int? {
        let hashes = line.prefix { $0 == "#" }.count
        guard hashes > 0, line.dropFirst(hashes).first == " " else { return nil }
        return hashes
    }
}
