import OrderedCollections

/// Frees nested values without recursion.
///
/// Swift releases a container by releasing its elements, so freeing `[[[...]]]` nested
/// 100,000 deep (or a chain of closures each capturing the previous one) would use one
/// native stack frame per level and crash. Instead, the deinit of each list, record and frame
/// storage calls `dismantle`, which moves the containers it is the last owner of onto an
/// explicit stack and empties them one at a time; by the time each is released it holds no
/// containers, so no release nests more than one level.
enum ValueTeardown {
    /// Empties `items` of the containers only it still references, freeing them iteratively.
    static func dismantle(_ items: inout [Value]) {
        guard items.contains(where: \.ownsValues) else { return }
        var pending: [AnyObject] = []
        items.withUnsafeMutableBufferPointer { collect($0, into: &pending) }
        drain(&pending)
    }

    /// The same for a record's fields.
    static func dismantle(_ fields: inout OrderedDictionary<String, Value>) {
        guard fields.values.contains(where: \.ownsValues) else { return }
        var values = Array(fields.values)
        fields = [:]
        dismantle(&values)
    }

    /// The same for a buffer of `count` values (a frame's slots).
    static func dismantle(_ slots: UnsafeMutablePointer<Value>, count: Int) {
        guard UnsafeBufferPointer(start: slots, count: count).contains(where: \.ownsValues) else { return }
        var pending: [AnyObject] = []
        collect(UnsafeMutableBufferPointer(start: slots, count: count), into: &pending)
        drain(&pending)
    }

    /// Moves each container out of `values` (leaving nil) onto `pending`. Moving, rather
    /// than copying and then clearing the slot, never lets a release run here.
    private static func collect(_ values: UnsafeMutableBufferPointer<Value>, into pending: inout [AnyObject]) {
        guard let base = values.baseAddress else { return }
        for i in 0..<values.count where base[i].ownsValues {
            let taken = (base + i).move()
            (base + i).initialize(to: .nil)
            switch taken {
            case .list(let l): pending.append(l.storage)
            case .record(let r): pending.append(r.storage)
            case .function(let f): pending.append(f)
            default: continue
            }
        }  // `taken` is released here, but `pending` still holds what it owned
    }

    /// Empties the pending containers that nothing else holds, one by one, collecting what
    /// they own in turn; a container still shared elsewhere is just let go.
    private static func drain(_ pending: inout [AnyObject]) {
        while var object = pending.popLast() {
            guard isKnownUniquelyReferenced(&object) else { continue }
            switch object {
            case let s as ValueList.Storage:
                s.items.withUnsafeMutableBufferPointer { collect($0, into: &pending) }
                s.items = []
            case let s as Record.Storage:
                var values = Array(s.fields.values)
                s.fields = [:]
                values.withUnsafeMutableBufferPointer { collect($0, into: &pending) }
            case let f as Function:
                if let env = f.takeEnvironment() { pending.append(env) }
            case let frame as Frame:
                collect(UnsafeMutableBufferPointer(start: frame.slots, count: frame.header.count), into: &pending)
            default: continue
            }
        }
    }
}

extension Value {
    /// Whether this value may own other values (freeing it may nest).
    var ownsValues: Bool {
        switch self {
        case .list(let l): return !l.isEmpty
        case .record(let r): return r.count > 0
        case .function(let f): return f.code != nil
        default: return false
        }
    }
}
