/// Files. Every path goes through the session's `FileAccessPolicy`.
enum IOBuiltins {
    typealias P = BuiltinParameter

    static let all: [Builtin] = [
        Builtin(
            "read_text", [P("path", .string)], category: "files",
            doc: """
                Reads a UTF-8 text file (relative paths are relative to the script).
                Example: let text = read_text("notes.txt")
                """
        ) { args, ctx in
            .string(try ctx.fileAccess.readText(try args.string("path"), relativeTo: ctx.directory))
        },
        Builtin(
            "write_text", [P("path", .string), P("text", .string)], category: "files",
            doc: """
                Writes text to a file, replacing it atomically.
                Example: write_text("out.txt", "done\\n")
                """
        ) { args, ctx in
            try ctx.fileAccess.writeText(try args.string("text"), to: try args.string("path"), relativeTo: ctx.directory)
            return .nil
        },
    ]
}
