import Language

/// `usage()`: what the session's teacher requests used, per cell and in total.
enum UsageBuiltin {
    static func make(_ state: WorkbenchState) -> Builtin {
        Builtin(
            "usage", [], category: "loop",
            doc: """
                The teacher requests this session really sent: how many, their prompt and
                completion tokens and, for a teacher with a price (or the free local one), their
                cost in USD, per cell and for the whole session. Answers replayed from the
                recording are free and not counted; replaying a notebook (fewshot run), it shows
                what the recorded answers used when they were asked. Fields: requests, prompt_tokens,
                completion_tokens, tokens, usd, and cells (one record per cell).
                Example: usage().tokens
                """
        ) { _, _ in
            .host(UsageObject(state.meter))
        }
    }
}
