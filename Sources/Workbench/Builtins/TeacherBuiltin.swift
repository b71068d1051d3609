import Foundation
import Language
import SafeFiles
import Teacher
import TeacherHTTP

/// `teacher(...)`: the model that writes or labels the data.
enum TeacherBuiltin {
    typealias P = BuiltinParameter

    static func make(_ state: WorkbenchState) -> Builtin {
        Builtin(
            "teacher",
            [
                P("model", .string, default: "local"), P("base_url", .optional(.string), default: .nil),
                P("key_env", .optional(.string), default: .nil), P("max_concurrency", .int, default: 8, bounds: .between(1, 256)),
                P("timeout", .number, default: 120, bounds: .above(0, upTo: 86_400)),
                P("max_retries", .int, default: 2, bounds: .between(0, 100)),
                P("read_timeout", .number, default: 60, bounds: .above(0, upTo: 86_400)),
                P(
                    "max_response_bytes", .int, default: .int(HTTPTeacherConfiguration.defaultMaxResponseBytes),
                    bounds: .between(1_024, 1_073_741_824)),
                P("price", .optional(.record), default: .nil), P("mode", .string, default: "live"),
                P("poll", .number, default: 10, bounds: .above(0, upTo: 3_600)),
                P("batch", .optional(.int), default: .nil, bounds: .between(1, 64)),
            ], category: "loop",
            doc: """
                The teacher: a big model that writes training data for the student. With no
                arguments (or "local"), SmolLM2-135M-Instruct running inside fewshot, offline. Any
                other name is a model on an OpenAI-compatible server: OpenAI itself, llama.cpp's
                llama-server, vLLM or Ollama's /v1. The server is $OPENAI_BASE_URL unless base_url:
                says otherwise; the API key is read from $OPENAI_API_KEY (or the variable key_env:
                names) and never printed or saved. Every answer is recorded with the notebook,
                so replaying it needs neither the network nor the key.
                price: is what the server charges, in USD per million tokens, {input: ..., output: ...}:
                generate and plan then show costs and take budgets in usd (no prices are built in;
                they change). The local teacher costs nothing.
                The local teacher generates a call's requests batch: at a time (8 by default:
                measured on 2 cores) in one forward pass per token, and takes prompt prefixes it
                has seen (system message, shots, earlier turns) from its cache; neither changes an
                answer, and usage() counts the cached prompt tokens.
                timeout: limits one attempt of one request (seconds); read_timeout: how long an
                answer may go silent once it has started; max_response_bytes: the most one answer
                may be, from 1024 (1 KiB) to 1073741824 (1 GiB), 8388608 (8 MiB) by default: a
                bigger one is cut off and fails. A request that fails on the way (no connection,
                a timeout, a 429 or 5xx, an answer cut short or unreadable) is sent again up to
                max_retries times; generate reports those that still failed.
                mode: "batch" sends each generate (and teacher evaluate) as OpenAI Batch API
                jobs instead of live requests: half the price, answers within 24 hours (price: is
                the live price; plan and usage show half of it). The job's id is saved with the
                cell (in the recording) and in $XDG_STATE_HOME/fewshot/jobs.jsonl as soon as it
                exists, so running the cell again after Ctrl-C or a crash picks the same job up;
                poll: is the seconds between two looks at it. A call over 50,000 requests or 200 MB is split into several jobs.
                See docs/scaling.md.
                Example: let t = teacher()
                         let big = teacher("gpt-4o-mini", price: {input: 0.15, output: 0.60})
                         let mine = teacher("smollm2", base_url: "http://127.0.0.1:8080/v1")
                         let cheap = teacher("gpt-4o-mini", mode: "batch", price: {input: 0.15, output: 0.60})
                """
        ) { args, ctx in
            let model = try args.string("model")
            let price = try args.price()
            if model == "local" || model == "smollm2-135m" {
                if price != nil {
                    throw args.error(
                        "price", "the local teacher runs on this machine and costs nothing; price: is for a server's model")
                }
                if try args.string("mode") != "live" {
                    throw args.error(
                        "mode",
                        "the local teacher answers in-process; mode: \"batch\" is for a server's model, e.g. teacher(\"gpt-4o-mini\", mode: \"batch\")"
                    )
                }
                let batch = args.optional("batch") == nil ? nil : try args.int("batch")
                return .host(state.defaultTeacher(batch: batch))
            }
            if args.optional("batch") != nil {
                throw args.error(
                    "batch",
                    "batch: sets how many requests the local teacher generates together; a server batches on its own "
                        + "(max_concurrency: sets how many requests are sent at once; mode: \"batch\" uses its Batch API)")
            }
            let baseURL = args.optional("base_url") == nil ? nil : try args.string("base_url")
            let keyEnv = args.optional("key_env") == nil ? nil : try args.string("key_env")
            // The key this teacher sends is a secret of the session from now on: it is redacted
            // from everything fewshot writes (a server may echo it in a reply).
            SecretRedaction.rememberEnvironmentVariable(keyEnv ?? HTTPTeacherConfiguration.defaultKeyVariable)
            let http: HTTPTeacher
            do {
                http = try HTTPTeacher(
                    model: model, baseURL: baseURL, keyEnv: keyEnv, maxConcurrency: try args.int("max_concurrency"),
                    timeout: try args.double("timeout"), readTimeout: try args.double("read_timeout"),
                    maxResponseBytes: try args.int("max_response_bytes"), maxRetries: try args.int("max_retries"))
            } catch {
                throw RuntimeError("cannot set up the teacher: \(error)", at: ctx.callRange)
            }
            let mode = try args.string("mode")
            guard mode == "live" || mode == "batch" else {
                throw args.error("mode", "mode must be \"live\" or \"batch\", not \(Value.string(mode).repr)")
            }
            if let refusal = state.teacherURLs.refusal(for: http.configuration.baseURL) {
                // Replaying recorded answers contacts no one, so it needs no permission; a run
                // that would ask the server (`--live`, a script) stops here, before any request.
                guard state.mode == .replay else { throw RuntimeError(refusal, at: args.range(of: "base_url") ?? ctx.callRange) }
                // Named as the teacher that recorded the answers, so a replay prints the same.
                let summary = mode == "batch" ? "batch \(model) at \(http.configuration.baseURL)" : http.summary
                let refused = state.recorded(
                    RefusedTeacher(summary: summary, message: refusal), model: model,
                    baseURL: http.configuration.baseURL, price: mode == "batch" ? price?.batch : price)
                refused.server = http.configuration
                refused.isBatch = mode == "batch"
                return .host(refused)
            }
            let made: TeacherObject
            if mode == "batch" {
                let batch: BatchTeacher
                do {
                    batch = try BatchTeacher(
                        http.configuration, journal: state.jobs, pollInterval: try args.double("poll"))
                } catch {
                    throw RuntimeError("cannot set up the teacher: \(error)", at: ctx.callRange)
                }
                // Job lines go to the cell running at the time (a note: shown, not saved, so a
                // replay that sends nothing prints the same).
                batch.onStatus = { line in ctx.emit(.note(line + "\n")) }
                made = state.recorded(batch, model: model, baseURL: http.configuration.baseURL, price: price?.batch)
                made.isBatch = true
            } else {
                made = state.recorded(http, model: model, baseURL: http.configuration.baseURL, price: price)
            }
            made.server = http.configuration
            made.pollInterval = try args.double("poll")
            return .host(made)
        }
    }
}
