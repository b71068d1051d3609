// The sizes a checkpoint's metadata claims are checked against the tensors the file really
// holds before a model of that shape is allocated: a `fewshot.config` of `"context":
// 1099511627776` or `"layers": 1000000000` is an error naming the file and the field, not an
// allocation that aborts or grows without bound.

extension Checkpoint {
    /// Upper bounds far above any model fewshot trains or loads, below sizes that cannot be allocated.
    static let limits: [(field: String, keyPath: KeyPath<GPTConfig, Int>, maximum: Int)] = [
        ("vocabSize", \.vocabSize, 1 << 22), ("layers", \.layers, 1 << 12), ("heads", \.heads, 1 << 12),
        ("width", \.width, 1 << 16), ("context", \.context, 1 << 22),
    ]

    /// Checks `config` (read from the `fewshot.config` metadata of `file`) for sane sizes and
    /// against the stored tensors: `wte.weight` is `[vocabSize, width]`, `wpe.weight` is
    /// `[context, width]`, and every one of `layers` blocks has its `c_attn` weight `[width, 3 width]`.
    /// A classifier's `score.weight` must be `[width, labels]`.
    static func check(
        _ config: GPTConfig, against tensors: [String: Safetensors.Entry], labels: Int? = nil, file: String
    ) throws {
        func bad(_ message: String) -> LearnError { .checkpoint("\(file): fewshot.config \(message)") }
        for (field, keyPath, maximum) in limits {
            let value = config[keyPath: keyPath]
            guard value >= 1 else { throw bad("'\(field)' is \(value); it must be at least 1") }
            guard value <= maximum else { throw bad("'\(field)' is \(value), more than the \(maximum) fewshot allows") }
        }
        guard config.width % config.heads == 0 else {
            throw bad("'width' \(config.width) is not divisible by 'heads' \(config.heads)")
        }
        func expect(_ name: String, _ shape: [Int], field: String) throws {
            guard let entry = tensors[name] else {
                throw bad("'\(field)' needs tensor '\(name)' of shape \(shape), which the file does not have")
            }
            guard entry.shape == shape else {
                throw bad("'\(field)' needs tensor '\(name)' of shape \(shape), but the file's is \(entry.shape)")
            }
        }
        try expect("wte.weight", [config.vocabSize, config.width], field: "vocabSize")
        try expect("wpe.weight", [config.context, config.width], field: "context")
        // The block count is checked block by block, so a model is never larger than its file says.
        for layer in 0..<config.layers {
            try expect("h.\(layer).attn.c_attn.weight", [config.width, 3 * config.width], field: "layers")
        }
        if let labels, tensors["score.weight"]?.shape != [config.width, labels] {
            throw LearnError.checkpoint(
                "\(file): fewshot.labels has \(labels) labels, so tensor 'score.weight' must have shape [\(config.width), \(labels)]; the file's is \(tensors["score.weight"].map { "\($0.shape)" } ?? "missing")"
            )
        }
    }
}
