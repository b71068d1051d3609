import Foundation
import Language
import Notebook
import Testing

@testable import Workbench

/// Runs cells in a fresh workspace and returns their outputs as text (errors as their message).
final class TestWorkspace {
    let workspace: Workspace
    let folder: URL

    init() throws {
        workspace = try Workspace()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("fewshot-workbench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// The text of everything the cell produced; errors are prefixed with `error: `.
    @discardableResult
    func run(_ source: String) -> String {
        workspace.run(source.replacingOccurrences(of: "$DIR", with: folder.path), executionCount: 1).map { output in
            switch output {
            case .stream(_, let text), .table(let text): return text
            case .svg: return "[svg]\n"
            case .png: return "[png]\n"
            case .error(let message, _): return "error: \(message)\n"
            case .unrecognized: return ""
            }
        }.joined()
    }

    /// Runs a cell that must not fail, and returns its text.
    func ok(_ source: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String {
        let text = run(source)
        #expect(!text.contains("error: "), "\(text)", sourceLocation: sourceLocation)
        return text
    }
}
