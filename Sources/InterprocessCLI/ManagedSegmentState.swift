import Interprocess

/// What `inspect` shows of a managed segment: its heap's statistics and its named objects.
/// (The library has no `state` snapshot for a managed segment; this gathers its two reports.)
struct ManagedSegmentState: Encodable {
    var statistics: HeapStatistics
    var objects: [NamedObjectInfo]?
    /// Why the object list could not be read (a corrupt directory), else nil.
    var objectsProblem: String?

    static func read(_ name: String) throws(InterprocessError) -> ManagedSegmentState {
        let segment = try ManagedSegment(open: name)
        var state = ManagedSegmentState(statistics: segment.statistics)
        do {
            state.objects = try segment.namedObjects
        } catch {
            state.objectsProblem = error.description
        }
        return state
    }

    /// Label and value rows, for people: the heap (as `check` prints it), then one row per object.
    var rows: [[String]] {
        var rows = HeapText.rows(statistics)
        if let objectsProblem {
            rows.append(["objects", "unreadable: \(objectsProblem)"])
        } else if let objects {
            rows.append(["objects", objects.isEmpty ? "none" : "\(objects.count)"])
            for object in objects {
                let label = object.isUnique ? "unique" : "'\(object.name)'"
                rows.append(["  " + label, "\(object.typeName) × \(object.count) (\(object.size) B, align \(object.alignment)) at offset \(object.offset.rawValue)"])
            }
        }
        return rows
    }
}
