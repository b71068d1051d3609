import Foundation
import Workbench

/// Progress bars in Jupyter: each bar is one `display_data` with a `display_id`, redrawn in
/// place with `update_display_data` (never a flood of carriage returns), and emptied when the
/// bar ends, since its final line is printed with the cell's output as at the REPL.
final class ProgressDisplay: LiveProgressDisplay {
    private let publisher: Publisher
    private let parent: WireMessage
    private var shown = Set<Int>()
    private let prefix = UUID().uuidString.lowercased()

    init(publisher: Publisher, parent: WireMessage) {
        self.publisher = publisher
        self.parent = parent
    }

    func progress(_ id: Int, line: String) {
        let type = shown.insert(id).inserted ? "display_data" : "update_display_data"
        publisher.publish(type, content(id, ["text/plain": line]), parent: parent)
    }

    func progressFinished(_ id: Int) {
        guard shown.contains(id) else { return }
        publisher.publish("update_display_data", content(id, ["text/plain": ""]), parent: parent)
    }

    private func content(_ id: Int, _ data: [String: Any]) -> [String: Any] {
        [
            "data": data, "metadata": ["fewshot": ["output": "progress"]],
            "transient": ["display_id": "\(prefix)-progress-\(id)"],
        ]
    }
}
