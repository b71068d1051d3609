extension Dataset {
    /// A dataset of other rows with this one's label column (if those rows still have it).
    func derived(_ rows: [Row]) -> Dataset {
        if let labelColumn, let d = try? Dataset(rows, labelColumn: labelColumn) { return d }
        return Dataset(rows)
    }

    /// The first `n` rows (all of them when there are fewer).
    public func head(_ n: Int = 5) -> Dataset { derived(Array(rows.prefix(max(0, n)))) }

    /// The rows in a random order fixed by `seed`.
    public func shuffle(seed: UInt64) -> Dataset {
        var rng = SplitMix64(seed: seed)
        return derived(rng.shuffled(rows))
    }

    /// `n` rows drawn without replacement, in a random order fixed by `seed`.
    /// - Throws: `DatasetError` when `n` is negative or larger than the dataset.
    public func sample(_ n: Int, seed: UInt64) throws -> Dataset {
        guard n >= 0, n <= count else {
            throw DatasetError("cannot sample \(n) rows from a dataset of \(count)")
        }
        var rng = SplitMix64(seed: seed)
        return derived(Array(rng.shuffled(rows).prefix(n)))
    }

    /// Splits into (train, test) with `fraction` of the rows in train, shuffled by `seed`.
    /// With a label column the split is stratified: each label keeps its share on both sides
    /// (rounded per label), so a rare label is not lost from the test set by chance.
    ///
    /// ```swift
    /// let (train, test) = try data.split(0.8, seed: 42)
    /// ```
    /// - Throws: `DatasetError` when `fraction` is not strictly between 0 and 1.
    public func split(_ fraction: Double, seed: UInt64) throws -> (train: Dataset, test: Dataset) {
        guard fraction > 0, fraction < 1 else {
            throw DatasetError("split fraction must be between 0 and 1 (exclusive), got \(fraction)")
        }
        var rng = SplitMix64(seed: seed)
        var groups: [[Int]] = []
        if labelColumn != nil {
            var byLabel: [String: Int] = [:]
            for (i, row) in rows.enumerated() {
                let key = label(of: row) ?? "\u{0}unlabelled"
                if let g = byLabel[key] { groups[g].append(i) } else { byLabel[key] = groups.count; groups.append([i]) }
            }
        } else {
            groups = [Array(rows.indices)]
        }
        var train: [Int] = []
        var test: [Int] = []
        for group in groups {
            let shuffled = rng.shuffled(group)
            let k = Int((Double(group.count) * fraction).rounded())
            train += shuffled.prefix(k)
            test += shuffled.dropFirst(k)
        }
        return (derived(rng.shuffled(train).map { rows[$0] }), derived(rng.shuffled(test).map { rows[$0] }))
    }

    /// This dataset's rows followed by `other`'s.
    public func concat(_ other: Dataset) -> Dataset { derived(rows + other.rows) }

    /// Only the named columns, in the order given.
    /// - Throws: `DatasetError` naming a column that no row has.
    public func select(_ columns: [String]) throws -> Dataset {
        for c in columns where schema.column(c) == nil {
            throw DatasetError("no column '\(c)'; columns: \(schema.names.joined(separator: ", "))")
        }
        let picked = rows.map { row in Row(columns.compactMap { c in row[c].map { (c, $0) } }) }
        if let labelColumn, columns.contains(labelColumn) { return derived(picked) }
        return Dataset(picked)
    }

    /// The same rows with columns renamed (`["sentiment": "label"]`), keeping their positions.
    /// - Throws: `DatasetError` naming a missing column or a new name that is already taken.
    public func rename(_ names: [String: String]) throws -> Dataset {
        for (old, new) in names {
            guard schema.column(old) != nil else {
                throw DatasetError("no column '\(old)' to rename; columns: \(schema.names.joined(separator: ", "))")
            }
            if schema.column(new) != nil, names[new] == nil {
                throw DatasetError("cannot rename '\(old)' to '\(new)': a column '\(new)' exists")
            }
        }
        let renamed = rows.map { row in Row(row.fields.map { (names[$0.key] ?? $0.key, $0.value) }) }
        let newLabel = labelColumn.map { names[$0] ?? $0 }
        if let newLabel, let d = try? Dataset(renamed, labelColumn: newLabel) { return d }
        return Dataset(renamed)
    }
}
