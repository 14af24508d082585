/// A JSON object: (key, value) pairs in the order they were received or inserted.
///
/// Keys are unique. Setting an existing key replaces its value in place (the key keeps its
/// position); setting a new key appends it; setting `nil` removes the pair. Lookups are linear
/// for small objects and go through a hash index once an object grows beyond a few keys, so a
/// hostile object with many keys costs O(n), not O(n²), to build.
///
/// Equality and hashing take the order into account.
package struct JSONObject: Sendable {
    package private(set) var keys: [String]
    private(set) var values: [JSONValue]
    /// Key → position, kept only while `count > JSONObject.linearLimit`.
    private var index: [String: Int]?

    static let linearLimit = 12

    package init() {
        self.init(keys: [], values: [], index: nil)
    }

    private init(keys: [String], values: [JSONValue], index: [String: Int]?) {
        self.keys = keys
        self.values = values
        self.index = index
    }

    /// A repeated key keeps its first position and its last value.
    package init(_ pairs: [(String, JSONValue)]) {
        self.init()
        keys.reserveCapacity(pairs.count)
        values.reserveCapacity(pairs.count)
        for (key, value) in pairs { self[key] = value }
    }

    /// Builds an object from parallel arrays as a parser collects them (`values` may be longer
    /// than `keys`; the extra values are ignored). A repeated key keeps its first position and its
    /// last value.
    init(parsedKeys: [String], values parsedValues: [JSONValue]) {
        let count = parsedKeys.count
        if count == parsedValues.count {
            if count <= JSONObject.linearLimit {
                if !JSONObject.hasDuplicates(parsedKeys) {
                    self.init(keys: parsedKeys, values: parsedValues, index: nil)
                    return
                }
            } else if let built = JSONObject.uniqueIndex(parsedKeys) {
                self.init(keys: parsedKeys, values: parsedValues, index: built)
                return
            }
        }
        self.init()
        for position in 0..<Swift.min(count, parsedValues.count) {
            self[parsedKeys[position]] = parsedValues[position]
        }
    }

    package var count: Int { keys.count }
    package var isEmpty: Bool { keys.isEmpty }

    package subscript(key: String) -> JSONValue? {
        get {
            guard let position = position(of: key) else { return nil }
            return values[position]
        }
        set {
            if let position = position(of: key) {
                if let newValue {
                    values[position] = newValue
                } else {
                    remove(at: position)
                }
            } else if let newValue {
                append(key, newValue)
            }
        }
    }

    private func position(of key: String) -> Int? {
        if let index { return index[key] }
        return keys.firstIndex(of: key)
    }

    private mutating func append(_ key: String, _ value: JSONValue) {
        keys.append(key)
        values.append(value)
        if index != nil {
            index![key] = keys.count - 1
        } else if keys.count > JSONObject.linearLimit {
            rebuildIndex()
        }
    }

    private mutating func remove(at position: Int) {
        keys.remove(at: position)
        values.remove(at: position)
        if keys.count > JSONObject.linearLimit {
            rebuildIndex()
        } else {
            index = nil
        }
    }

    private mutating func rebuildIndex() {
        index = JSONObject.uniqueIndex(keys)
    }

    /// Key → position, or nil when a key repeats.
    private static func uniqueIndex(_ keys: [String]) -> [String: Int]? {
        var built = [String: Int](minimumCapacity: keys.count)
        for (position, key) in keys.enumerated() where built.updateValue(position, forKey: key) != nil {
            return nil
        }
        return built
    }

    private static func hasDuplicates(_ keys: [String]) -> Bool {
        guard keys.count > 1 else { return false }
        for i in 1..<keys.count {
            for j in 0..<i where keys[j] == keys[i] { return true }
        }
        return false
    }
}

extension JSONObject: Hashable {
    package static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.keys == rhs.keys && lhs.values == rhs.values
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(keys)
        hasher.combine(values)
    }
}

extension JSONObject: Sequence {
    package struct Iterator: IteratorProtocol {
        private let object: JSONObject
        private var position = 0

        init(_ object: JSONObject) { self.object = object }

        package mutating func next() -> (key: String, value: JSONValue)? {
            guard position < object.keys.count else { return nil }
            defer { position += 1 }
            return (object.keys[position], object.values[position])
        }
    }

    package func makeIterator() -> Iterator { Iterator(self) }
    package var underestimatedCount: Int { keys.count }
}

/// Keys keep the order in which they are written; a repeated key keeps its first position and
/// its last value.
extension JSONObject: ExpressibleByDictionaryLiteral {
    package init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }
}
