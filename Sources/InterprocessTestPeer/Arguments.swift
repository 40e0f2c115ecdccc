/// A wrong command line.
struct UsageError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

/// The command-line arguments, consumed front to back.
struct Arguments {
    private var remaining: ArraySlice<String>

    init(_ arguments: [String]) { remaining = arguments[...] }

    /// Whether every argument has been consumed.
    var isEmpty: Bool { remaining.isEmpty }

    /// The next argument, named `what` in the error if it is missing.
    mutating func next(_ what: String) throws(UsageError) -> String {
        guard let argument = remaining.popFirst() else { throw UsageError("missing \(what)") }
        return argument
    }

    /// The next argument if there is one.
    mutating func nextIfPresent() -> String? { remaining.popFirst() }

    /// The next argument as a non-negative integer.
    mutating func nextInt(_ what: String) throws(UsageError) -> Int {
        let text = try next(what)
        guard let value = Int(text), value >= 0 else { throw UsageError("\(what) must be a non-negative integer (got '\(text)')") }
        return value
    }

    /// The next argument as bytes written in hexadecimal ("00ff1a").
    mutating func nextHex(_ what: String) throws(UsageError) -> [UInt8] {
        let text = try next(what)
        guard let bytes = Hex.decode(text), !bytes.isEmpty else {
            throw UsageError("\(what) must be a non-empty even number of hex digits (got '\(text)')")
        }
        return bytes
    }

    /// Fails if arguments are left over.
    func finish() throws(UsageError) {
        if let extra = remaining.first { throw UsageError("unexpected argument '\(extra)'") }
    }
}

/// Hexadecimal text for bytes, both ways.
enum Hex {
    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(characters.count / 2)
        var index = 0
        while index < characters.count {
            guard let high = value(characters[index]), let low = value(characters[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func value(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
