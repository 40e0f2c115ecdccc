import Interprocess

/// A ``Blackboard`` entry in words, for `inspect` and `watch`.
enum BlackboardText {
    /// "value 'Pose' of 16 bytes, version 42" or "bytes up to 256 B, never written".
    static func entry(_ state: Blackboard.State.EntryState) -> String {
        let entry = state.entry
        let content = entry.content == .bytes
            ? "bytes up to \(Formatting.size(entry.size))"
            : "value '\(entry.typeName ?? "?")' of \(Formatting.size(entry.size))"
        return content + (state.version == 0 ? ", never written" : ", version \(state.version)")
    }
}
