import Datasets
import Foundation
import Language
import SafeFiles
import Teacher
import TeacherHTTP

/// Batch files for a self-hosted run: `export(plan(...), "openai-batch", "in.jsonl")` writes the
/// requests a `generate` call would send, one Batch API line each with its recording key as
/// `custom_id`; `vllm run-batch -i in.jsonl -o out.jsonl` (or any service of the same format)
/// answers them elsewhere; `import_batch("out.jsonl", input: "in.jsonl")` files the answers in
/// the session's recording, so the same `generate(...)` call then answers from it.
enum BatchFileBuiltins {
    typealias P = BuiltinParameter

    /// Writes a plan's requests as a Batch API input file (the `export` of a plan).
    static func export(_ plan: PlanObject, format: String, path: String, args: Arguments, ctx: CallContext) throws -> Value {
        guard format == "openai-batch" else {
            throw args.error("format", "a plan exports as \"openai-batch\" (its requests), not \(Value.string(format).repr)")
        }
        let ids = BatchFile.customIDs(for: plan.requests)
        var bytes: [UInt8]
        do {
            bytes = try BatchFile.input(plan.requests, ids: ids)
        } catch {
            throw RuntimeError("cannot export the plan: \(error)", at: ctx.callRange)
        }
        _ = SecretRedaction.redact(bytes: &bytes)
        let resolved = try ctx.path(path, for: .write)
        do {
            try SafeFile.writeAtomically(bytes, to: resolved)
        } catch {
            throw RuntimeError("cannot write \(path): \(error.explanation)", at: args.range(of: "path") ?? ctx.callRange)
        }
        ctx.write("exported \(plan.requests.count) requests as openai-batch to \(path)\n")
        return .nil
    }

    static func importBatch(_ state: WorkbenchState) -> Builtin {
        Builtin(
            "import_batch", [P("output", .string), P("input", .string)], category: "loop",
            doc: """
                Files the answers of a batch run elsewhere in this session's recording: output is
                the results file (vllm run-batch's -o, or a Batch API output or error file), input
                the file export(plan(...), "openai-batch", path) wrote and the run read. Each result
                is matched to its request by custom_id (the request's recording key), in any order;
                running the same generate(...) as the plan then answers from the recording, so the
                notebook replays offline. Results with an error are counted and left out.
                Example: export(plan(p, label: rows, teacher: t), "openai-batch", "in.jsonl")
                         # on the GPU node: vllm run-batch -i in.jsonl -o out.jsonl --model ...
                         import_batch("out.jsonl", input: "in.jsonl")
                         let labelled = generate(p, label: rows, teacher: t)
                """
        ) { args, ctx in
            let inputPath = try args.string("input")
            let outputPath = try args.string("output")
            let inputFile = try ctx.path(inputPath, for: .read)
            let outputFile = try ctx.path(outputPath, for: .read)
            let requests: [(id: String, request: ChatRequest)]
            let results: [String: Result<ChatResponse, TeacherError>]
            do {
                requests = try BatchFile.requests(
                    try SafeFile.read(inputFile, limit: BatchFile.maxBytes), source: inputPath)
            } catch let error as FileProblem {
                throw RuntimeError("cannot read \(inputPath): \(error.explanation)", at: args.range(of: "input"))
            } catch {
                throw RuntimeError("\(error)", at: args.range(of: "input"))
            }
            do {
                results = try BatchFile.results(
                    try SafeFile.read(outputFile, limit: 1 << 30), source: outputPath)
            } catch let error as FileProblem {
                throw RuntimeError("cannot read \(outputPath): \(error.explanation)", at: args.range(of: "output"))
            } catch {
                throw RuntimeError("\(error)", at: args.range(of: "output"))
            }
            var imported = 0
            var failed: [String] = []
            var unknown = 0
            let byID = Dictionary(requests.map { ($0.id, $0.request) }, uniquingKeysWith: { first, _ in first })
            for (id, result) in results.sorted(by: { $0.key < $1.key }) {
                guard let request = byID[id], let copy = id.split(separator: "-").last.flatMap({ Int($0) }) else {
                    unknown += 1
                    continue
                }
                switch result {
                case .success(let response):
                    do {
                        try state.recording.append(
                            Recording(request: request, sample: copy, response: response, teacher: "batch file \(outputPath)"))
                        imported += 1
                    } catch {
                        throw RuntimeError("cannot record the answers: \(error)", at: ctx.callRange)
                    }
                case .failure(let error):
                    failed.append(error.message)
                }
            }
            var line = "imported \(imported) of \(requests.count) answers from \(outputPath) into the recording"
            if !failed.isEmpty { line += "; \(failed.count) came back with an error (first: \(failed[0]))" }
            if unknown > 0 { line += "; \(unknown) results name no request of \(inputPath) and were left out" }
            ctx.write(line + "\n")
            return .int(imported)
        }
    }
}
