import Datasets
import Foundation
import Language

/// Built-ins that load, save, reshape and export datasets.
enum DataBuiltins {
    typealias P = BuiltinParameter

    /// The data built-ins. `coreSplit` is the string `split` they replace: `split("a b")` still
    /// splits text, `split(data, 0.8)` splits a dataset.
    static func all(coreSplit: Value?) -> [Builtin] {
        [load, save, dataset, split(coreSplit: coreSplit), head, sample, shuffle, concat, select, rename, export]
    }

    static let load = Builtin(
        "load", [P("path", .string), P("label", .optional(.string), default: .nil)], category: "data",
        doc: """
            Loads a dataset from a .jsonl, .csv or .json file (an array of objects). Files in the
            OpenAI chat, OpenAI batch or Alpaca formats are recognised. Errors name the line.
            `label:` names the label column (default: a column called `label`, if there is one).
            A bare name loads a data set installed by scripts/setup: load("tweets") is 38,158
            tweets (about self-driving cars, airlines and more) labelled negative, neutral or
            positive by people, in its `sentiment` column.
            Example: let tweets = load("tweets", label: "sentiment")
                     let mine = load("reviews.csv")
            """
    ) { args, ctx in
        let path = try ctx.path(installedDataPath(try args.string("path")) ?? (try args.string("path")), for: .read)
        let data = try located(args.range(of: "path")) { try Dataset.load(path) }
        return .host(DatasetObject(try labelled(data, args)))
    }

    /// `data` with the label column that `label:` names, if any.
    private static func labelled(_ data: Dataset, _ args: Arguments) throws -> Dataset {
        guard let label = args.optional("label") else { return data }
        guard case .string(let column) = label else { throw args.error("label", "label: must be a column name") }
        return try located(args.range(of: "label")) { try data.withLabel(column) }
    }

    /// The installed data set a bare name stands for (`tweets` is
    /// `$FEWSHOT_HOME/data/tweets.csv`), or nil for an ordinary path.
    static func installedDataPath(_ name: String) -> String? {
        guard !name.contains("/"), !name.contains(".") else { return nil }
        let folder = Workbench.home + "/data/"
        let found = ["jsonl", "csv", "json"].map { folder + name + "." + $0 }.first { FileManager.default.fileExists(atPath: $0) }
        return found ?? folder + name + ".csv"
    }

    static let save = Builtin(
        "save", [P("data"), P("path", .string)], category: "data",
        doc: """
            Saves a dataset as .jsonl, .csv or .json (by the extension), or a model as
            .safetensors (loadable again with load_model, and by Python's safetensors), atomically:
            a crash leaves the old file or the new one, never half of one.
            Example: save(clean, "clean.jsonl")
                     save(student, "student.safetensors")
            """
    ) { args, ctx in
        if case .host(let model as ModelObject) = args["data"] {
            return try ModelBuiltins.save(model, args, ctx)
        }
        let data = try args.dataset("data")
        let path = try ctx.path(try args.string("path"), for: .write)
        try located(args.range(of: "path")) { try data.save(path) }
        ctx.write("saved \(data.count) rows to \(try args.string("path"))\n")
        return .nil
    }

    static let dataset = Builtin(
        "dataset", [P("rows", .list), P("label", .optional(.string), default: .nil)], category: "data",
        doc: """
            Makes a dataset from a list of records; `label:` names the label column (default: a
            column called `label`, if there is one).
            Example: let d = dataset([{text: "great film", label: "positive"}, {text: "dull", label: "negative"}])
            """
    ) { args, _ in
        return .host(DatasetObject(try labelled(try args.dataset("rows"), args)))
    }

    static func split(coreSplit: Value?) -> Builtin {
        Builtin(
            "split", [P("data"), P("fraction", .any, default: .nil), P("seed", .optional(.int), default: .nil)], category: "data",
            doc: """
                Splits a dataset into `{train, test}` with `fraction` of the rows in train,
                stratified by label when there is a label column, shuffled by `seed`.
                With a string, splits text instead: split("a,b", ",") is ["a", "b"].
                Example: let parts = split(tweets, 0.8, seed: 1)
                         parts.train
                """
        ) { args, ctx in
            if case .string = args["data"], case .function(let text)? = coreSplit {
                return try ctx.call(text, [args["data"], args["fraction"]])
            }
            let data = try args.dataset("data")
            let fraction = args.optional("fraction") == nil ? 0.8 : try args.double("fraction")
            let parts = try located(args.range(of: "fraction")) { try data.split(fraction, seed: try args.seed()) }
            let train: Value = .host(DatasetObject(parts.train)), test: Value = .host(DatasetObject(parts.test))
            return .record(Record(["train": train, "test": test]))
        }
    }

    static let head = Builtin(
        "head", [P("data"), P("n", .int, default: 5, bounds: .atLeast(0))], category: "data",
        doc: """
            The first n rows of a dataset.
            Example: head(tweets, 3)
            """
    ) { args, _ in
        .host(DatasetObject(try args.dataset("data").head(try args.int("n"))))
    }

    static let sample = Builtin(
        "sample", [P("data"), P("n", .int, bounds: .atLeast(0)), P("seed", .optional(.int), default: .nil)], category: "data",
        doc: """
            n rows drawn at random without replacement; the same seed draws the same rows.
            Example: let small = sample(tweets, 200, seed: 7)
            """
    ) { args, _ in
        let data = try args.dataset("data")
        return .host(
            DatasetObject(try located(args.range(of: "n")) { try data.sample(try args.int("n"), seed: try args.seed()) }))
    }

    static let shuffle = Builtin(
        "shuffle", [P("data"), P("seed", .optional(.int), default: .nil)], category: "data",
        doc: """
            The rows in a random order fixed by the seed.
            Example: shuffle(tweets, seed: 3)
            """
    ) { args, _ in
        .host(DatasetObject(try args.dataset("data").shuffle(seed: try args.seed())))
    }

    static let concat = Builtin(
        "concat", [P("first"), P("second")], category: "data",
        doc: """
            The rows of two datasets, one after the other.
            Example: let all = concat(generated, labelled)
            """
    ) { args, _ in
        .host(DatasetObject(try args.dataset("first").concat(try args.dataset("second"))))
    }

    static let select = Builtin(
        "select", [P("data"), P("columns", .list)], category: "data",
        doc: """
            Keeps only the named columns, in that order.
            Example: select(tweets, ["text", "sentiment"])
            """
    ) { args, _ in
        let names = try args.list("columns").map { value -> String in
            guard case .string(let name) = value else { throw args.error("columns", "columns must be strings") }
            return name
        }
        let data = try args.dataset("data")
        return .host(DatasetObject(try located(args.range(of: "columns")) { try data.select(names) }))
    }

    static let rename = Builtin(
        "rename", [P("data"), P("names", .record)], category: "data",
        doc: """
            Renames columns: a record from old name to new name.
            Example: rename(tweets, {sentiment: "label"})
            """
    ) { args, _ in
        var names: [String: String] = [:]
        for (old, new) in try args.record("names").fields {
            guard case .string(let newName) = new else { throw args.error("names", "the new name for '\(old)' must be a string") }
            names[old] = newName
        }
        let data = try args.dataset("data")
        return .host(DatasetObject(try located(args.range(of: "names")) { try data.rename(names) }))
    }

    static let export = Builtin(
        "export",
        [
            P("data"), P("format", .string), P("path", .string), P("system", .optional(.string), default: .nil),
            P("model", .any, default: .nil),
        ],
        category: "data",
        doc: """
            Writes a dataset in a public fine-tuning format: "openai-chat" (JSONL with messages),
            "openai-batch" (Batch API request lines) or "alpaca" (instruction/input/output; a
            dialogue's earlier turns go into input). model: (a name or a teacher) is the model
            each openai-batch request names; a row's "model" column wins.
            A plan (plan(...) with generate's arguments) exports as "openai-batch" too: the exact
            requests that generate would send, each custom_id its recording key, for vllm
            run-batch on your own GPU node; import_batch brings the answers back.
            Example: export(clean, "openai-chat", "train.jsonl", system: "You are a helpful bot.")
            Example: export(prompts, "openai-batch", "batch.jsonl", model: teacher("gpt-4o-mini"))
            Example: export(plan(p, label: rows, teacher: t), "openai-batch", "in.jsonl")
            """
    ) { args, ctx in
        if case .host(let plan as PlanObject) = args["data"] {
            return try BatchFileBuiltins.export(
                plan, format: try args.string("format"), path: try args.string("path"), args: args, ctx: ctx)
        }
        let data = try args.dataset("data")
        let format = try located(args.range(of: "format")) { try ExportFormat(named: try args.string("format")) }
        var options = ExportOptions()
        if case .string(let system)? = args.optional("system") { options.system = system }
        switch args.optional("model") {
        case nil: break
        case .string(let model)?: options.model = model
        case .host(let teacher as TeacherObject)?: options.model = teacher.model
        case let other?: throw args.error("model", "model: must be a model name or a teacher, got \(other.typeName)")
        }
        let path = try ctx.path(try args.string("path"), for: .write)
        try located(args.range(of: "path")) { try data.export(format, to: path, options) }
        ctx.write("exported \(data.count) rows as \(format.rawValue) to \(try args.string("path"))\n")
        return .nil
    }
}
