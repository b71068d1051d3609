import Datasets
import Language
import Learn

/// `shots(..., measure:)`: how similar and diverse shots compare texts.
enum ShotMeasureChoice {
    /// The names `measure:` takes.
    static let names = ["tfidf", "minilm", "auto"]

    /// The measure named by `measure:` for `pool`: "tfidf" (the default, surface words), "minilm"
    /// (all-MiniLM-L6-v2 embeddings; an error naming the setup command when it is missing) or
    /// "auto" (minilm when installed, else tfidf). The pool is embedded here, once.
    static func measure(_ args: Arguments, pool: Dataset, selection: ShotSelection, _ ctx: CallContext) throws
        -> ShotMeasure
    {
        let name = try args.string("measure")
        guard names.contains(name) else {
            throw args.error("measure", "measure must be \"tfidf\", \"minilm\" or \"auto\", got \"\(name)\"")
        }
        guard selection == .similar || selection == .diverse else {
            if args.range(of: "measure") != nil {
                throw args.error(
                    "measure", "measure: is how similar and diverse shots compare texts; select is \"\(selection.rawValue)\"")
            }
            return .tfidf
        }
        if name == "tfidf" || (name == "auto" && !EmbeddingModel.isInstalled) { return .tfidf }
        let model = try EmbeddingModel.shared(args, parameter: "measure")
        let vectors = try model.embed(ShotSelector.textsToMeasure(pool), ctx)
        return .embedding(name: SentenceEncoder.modelName, pool: vectors, embed: { try model.vector($0) })
    }
}
