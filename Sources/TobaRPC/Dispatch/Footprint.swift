/// What a request may read or change, named before it is prepared, so the writer can apply it
/// as soon as every earlier request it conflicts with has been applied (PROTOCOL.md §4).
///
/// A footprint is a set of keys. A key names one thing (`user 42`, `email a@b.c`) or every
/// thing of a kind (`user *`). Two requests conflict when either touches `everything`, or when
/// they share a key of one kind whose ids are equal or one of which is the whole kind. The
/// default is `everything`: a method conflicts with all others unless it declares less, and a
/// declaration must cover every row, sequence and in-memory state its request reads or changes.
package struct Footprint: Sendable, Equatable {
    package struct Key: Sendable, Hashable {
        package let kind: String
        /// nil: every thing of the kind.
        package let id: String?

        package init(_ kind: String, _ id: String?) {
            self.kind = kind
            self.id = id
        }

        /// Every thing of `kind` (e.g. the sequence that numbers new rows of a table).
        package static func all(_ kind: String) -> Key { Key(kind, nil) }
    }

    /// Conflicts with every request: lists, admin changes, anything whose reach is not known
    /// before it runs.
    package let everything: Bool
    package let keys: [Key]
    /// The request only reads: when a group holds only such requests it runs without the write
    /// lock (§4: a read never waits for another process's writer).
    package let readOnly: Bool

    package static let everything = Footprint(everything: true, keys: [])
    /// Touches nothing another request can change short of an `everything` request (reads of
    /// data that only admin methods write, the health report).
    package static let nothing = Footprint(everything: false, keys: [])

    private init(everything: Bool, keys: [Key], readOnly: Bool = false) {
        self.everything = everything
        self.keys = keys
        self.readOnly = readOnly
    }

    package static func keys(_ keys: Key...) -> Footprint { Footprint(everything: false, keys: keys) }
    package static func keys(_ keys: [Key]) -> Footprint { Footprint(everything: false, keys: keys) }

    /// The same footprint, for a request that never writes.
    package var readingOnly: Footprint { Footprint(everything: everything, keys: keys, readOnly: true) }

    package func conflicts(with other: Footprint) -> Bool {
        if everything || other.everything { return true }
        for mine in keys {
            for theirs in other.keys where mine.kind == theirs.kind {
                if mine.id == nil || theirs.id == nil || mine.id == theirs.id { return true }
            }
        }
        return false
    }
}

/// The union of the footprints of requests that are still waiting (being prepared, or blocked
/// behind another): a later request may pass them only if it conflicts with none.
struct FootprintUnion {
    private var count = 0
    private var everything = false
    private var wholeKinds: Set<String> = []
    private var keys: Set<Footprint.Key> = []
    private var kindsWithKeys: Set<String> = []

    mutating func add(_ footprint: Footprint) {
        count += 1
        if footprint.everything {
            everything = true
            return
        }
        for key in footprint.keys {
            if key.id == nil {
                if !wholeKinds.contains(key.kind) { wholeKinds.insert(key.kind) }
            } else if !wholeKinds.contains(key.kind) {
                // A kind held whole already conflicts with every key of it: no need to keep them.
                keys.insert(key)
                kindsWithKeys.insert(key.kind)
            }
        }
    }

    func conflicts(with footprint: Footprint) -> Bool {
        if everything { return true }
        if footprint.everything { return count > 0 }
        for key in footprint.keys {
            if wholeKinds.contains(key.kind) { return true }
            if key.id == nil {
                if kindsWithKeys.contains(key.kind) { return true }
            } else if keys.contains(key) {
                return true
            }
        }
        return false
    }
}
