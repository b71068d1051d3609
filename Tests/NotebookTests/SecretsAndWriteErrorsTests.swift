import Foundation
import SafeFiles
import Testing

@testable import Notebook

/// Every writer of the Notebook layer redacts known secrets, and file-system failures read as
/// plain words naming the path.
@Suite struct SecretsAndWriteErrorsTests {
    static let secret = "live-secret-\(UInt32.random(in: 100_000...999_999))-value"
    static let pasted = "sk-proj-AbCdEfGhIjKlMnOpQrStUv0123"

    func notebookWithSecrets() throws -> Notebook {
        SecretRedaction.remember(Self.secret)
        var notebook = Notebook()
        try notebook.append(
            Cell(
                id: "a", kind: .code, source: "let key = \"\(Self.pasted)\"",
                outputs: [
                    .stream(.stdout, "the teacher said: your key is \(Self.secret)\n"),
                    .error(message: "bad key \(Self.secret)", diagnostic: "cell-1:1:1: error: \(Self.pasted)\n"),
                ], executionCount: 1))
        notebook.teacherRecording = TeacherRecording(
            content: Array("{\"reply\":\"echo \(Self.secret)\"}\n".utf8), placement: .sidecar)
        return notebook
    }

    @Test func savedNotebookSidecarAndExportsHoldNoSecret() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let notebook = try notebookWithSecrets()
        let path = scratch.path("nb.fsnb")
        try notebook.save(to: path)
        try notebook.export(to: .markdown, path: scratch.path("nb.md"))
        try notebook.export(to: .ipynb, path: scratch.path("nb.ipynb"))
        for file in ["nb.fsnb", "nb.fsnb.teacher", "nb.md", "nb.ipynb"] {
            let text = try String(contentsOfFile: scratch.path(file), encoding: .utf8)
            #expect(!text.contains(Self.secret) && !text.contains(Self.pasted), "\(file)")
            #expect(text.contains("[redacted]"), "\(file)")
        }
        // The saved notebook still loads (the sidecar hash is of the redacted bytes), and the
        // pasted key became a placeholder inside the same string literal.
        let loaded = try Notebook.load(from: path)
        #expect(loaded.cells[0].source == "let key = \"[redacted]\"")
        // The session's notebook in memory is unchanged.
        #expect(notebook.cells[0].source.contains(Self.pasted))
    }

    @Test func writeErrorsSayWhatWentWrongInPlainWords() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        try FileManager.default.createDirectory(atPath: scratch.path("taken"), withIntermediateDirectories: true)
        let cases: [(String, String)] = [
            (scratch.path("taken"), "it is a folder, not a file"),
            (scratch.path("missing/nb.fsnb"), "the folder '\(scratch.path("missing"))' does not exist"),
            (scratch.path("nb.fsnb/x.fsnb"), "a part of the path is a file, not a folder"),
            ("/proc/version", "the folder '/proc' does not accept new files"),
        ]
        try Notebook().save(to: scratch.path("nb.fsnb"))
        for (path, words) in cases {
            #expect {
                try Notebook().save(to: path)
            } throws: { error in
                let text = "\(error)"
                return text.contains("cannot write '\(path)'") && text.contains(words) && !text.contains("NSCocoaErrorDomain")
            }
        }
        #expect(mkfifo(scratch.path("pipe.fsnb"), 0o600) == 0)
        #expect { _ = try Notebook.load(from: scratch.path("pipe.fsnb")) } throws: {
            "\($0)".contains("it is a named pipe (FIFO), not a regular file")
        }
        #expect { try Notebook().save(to: scratch.path("pipe.fsnb")) } throws: { "\($0)".contains("named pipe") }
    }

    @Test func redactionFindsKnownValuesAndKeyShapedTokensOnly() {
        SecretRedaction.remember("another-known-secret-42")
        #expect(SecretRedaction.redact("x another-known-secret-42 y") == "x [redacted] y")
        #expect(SecretRedaction.redact("Bearer sk-abcdefghijklmnop1234") == "Bearer [redacted]")
        #expect(SecretRedaction.redact("task-abcdefghijklmnopqrstu") == "task-abcdefghijklmnopqrstu")
        #expect(SecretRedaction.redact("sk-short") == "sk-short")
        #expect(SecretRedaction.redact("short") == "short")
    }
}
