import OrderedCollections

/// A record: named fields in the order they were written, with value semantics.
///
/// Stored behind one reference (so a `Value` stays small) and copied on write.
public struct Record: @unchecked Sendable, Equatable {
    final class Storage {
        var fields: OrderedDictionary<String, Value>
        init(_ fields: OrderedDictionary<String, Value>) { self.fields = fields }
        deinit { ValueTeardown.dismantle(&fields) }
    }

    var storage: Storage

    /// An empty record, or one with the given fields.
    public init(_ fields: OrderedDictionary<String, Value> = [:]) { storage = Storage(fields) }

    /// The fields in order.
    public var fields: OrderedDictionary<String, Value> {
        get { storage.fields }
        set { mutableStorage().fields = newValue }
    }

    /// The value of a field, or nil; setting `nil` stores a nil value (use `removeField`).
    public subscript(name: String) -> Value? {
        get { storage.fields[name] }
        set { mutableStorage().fields[name] = newValue }
    }

    /// Removes a field.
    public mutating func removeField(_ name: String) { mutableStorage().fields.removeValue(forKey: name) }

    public var count: Int { storage.fields.count }

    /// Field lookup with a per-site guess of the position, which is right whenever records at
    /// this site share a layout (e.g. all made by the same literal) and saves hashing the name.
    @inline(__always)
    func lookup(_ name: String, hint: inout Int) -> Value? {
        let f = storage.fields
        let h = hint
        if h < f.count && f.keys[h] == name { return f.values[h] }
        guard let i = f.index(forKey: name) else { return nil }
        hint = i
        return f.values[i]
    }

    private mutating func mutableStorage() -> Storage {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.fields) }
        return storage
    }

    public static func == (a: Record, b: Record) -> Bool {
        a.storage === b.storage || Value.record(a) == Value.record(b)
    }
}
