import Datasets
import Foundation
import Language
import Teacher

/// `generate`: the teacher writes new examples from the shots, or labels unlabelled inputs;
/// `plan`: the same call, shown before anything is sent.
enum GenerateBuiltin {
    typealias P = BuiltinParameter

    /// The parameters `generate` and `plan` share.
    static let parameters = [
        P("prompt", .host("prompt")), P("shots", .optional(.host("shots")), default: .nil),
        P("n", .int, default: 20, bounds: .between(0, 1_000_000)), P("label", .any, default: .nil),
        P("teacher", .optional(.host("teacher")), default: .nil),
        P("temperature", .number, default: 0.8, bounds: Limits.temperature),
        P("max_tokens", .int, default: 96, bounds: Limits.maxTokens), P("seed", .int, default: 0),
        P("stop", .optional(.list), default: .nil), P("budget", .optional(.record), default: .nil),
        P("scoring", .string, default: "generate"), P("normalize", .string, default: "sum"),
        P("calibrate", .any, default: false),
    ]

    static func make(_ state: WorkbenchState) -> Builtin {
        Builtin(
            "generate", parameters, category: "loop",
            doc: """
                Asks the teacher for data. Two modes, as in Kaddour and Liu (2023):
                  generate(p, s, n: 200)      writes n new examples in the prompt's output format,
                                              with the shots as worked examples (data augmentation);
                  generate(p, s, label: data) annotates each row of `data` (its fields fill the
                                              prompt's slots) with the teacher's answer.
                Replies that do not parse are kept with the reason in rejected(result), never
                dropped silently. Requests are recorded: running the cell again, or replaying the
                notebook, reuses the answers (raising n only asks for the missing ones).
                teacher: defaults to the local model; temperature 0 makes labels deterministic.
                budget: {tokens: 50000} or {usd: 0.50} (with a priced teacher) caps the whole call,
                replayed answers included: a call whose estimate is over is refused before anything
                is sent, each request's worst case (prompt + max_tokens) is reserved before it goes
                out, and a call that reaches its budget stops sending and keeps what came.
                plan(...) shows the estimate.
                scoring: "likelihood" (with label:) does not sample a reply: the teacher scores each
                label of the prompt's output: list by its log-probability as the reply, and each row
                gets the likeliest label, probs (label -> probability) and confidence. normalize:
                "sum" (default), "mean" (per token) or "mutual_info" (minus the label's score after
                an empty input). calibrate: true (or a list of content-free inputs; true means
                ["N/A", "", "[MASK]"]) divides out the bias the teacher shows on content-free inputs
                (Zhao et al. 2021); the estimate is printed. The local teacher scores every label
                exactly; a server can only reveal each label's first token (top_logprobs).
                scoring: "channel" turns the prompt around (Min et al. 2022): each label is given
                and the row's text is scored as the reply, P(text | label), one request per label;
                it often helps small teachers, needs one that scores whole texts (the local
                teacher), and takes no calibrate: (there is no label prior to divide out).
                Example: let data = generate(p, s, n: 50, temperature: 0.8, seed: 1, budget: {tokens: 50000})
                """
        ) { args, ctx in
            let call = try GenerateCall(args, state: state)
            return state.planning ? .host(call.plan(ctx)) : try call.run(ctx)
        }
    }

    static func plan(_ state: WorkbenchState) -> Builtin {
        Builtin(
            "plan", parameters, category: "loop",
            doc: """
                Shows what generate(...) with the same arguments would do, without asking the
                teacher: the rendered prompt, how many requests, an estimate of prompt and
                completion tokens for the whole call and, for a teacher with a price, the cost,
                and whether a budget: would let it start. Prompt tokens are counted with the local
                teacher's own tokenizer, and estimated as characters / 4 for a server's model;
                completion tokens are max_tokens per answer (an upper bound). The plan depends on
                the cells before it only, so it replays in a notebook; how many requests are
                recorded right now (and replay free) is a note on the terminal, and p.recorded.
                :plan generate(...) at the REPL does the same.
                Example: plan(p, s, n: 200, budget: {tokens: 50000})
                """
        ) { args, ctx in
            .host(try GenerateCall(args, state: state).plan(ctx))
        }
    }
}
