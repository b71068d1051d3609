// Export to Markdown for docs and blogs: text cells as written, code in ```fewshot fences,
// text outputs in ```text fences, pictures as <img> with data URIs (so the page is one file).

enum MarkdownExport {
    static func render(_ notebook: Notebook) -> String {
        var blocks: [String] = []
        for cell in notebook.cells {
            switch cell.kind {
            case .text:
                if !cell.source.isEmpty { blocks.append(trimmingFinalNewlines(cell.source)) }
            case .code:
                blocks.append(fenced(cell.source, info: "fewshot"))
                for output in cell.outputs { blocks.append(render(output)) }
            }
        }
        return blocks.isEmpty ? "" : blocks.joined(separator: "\n\n") + "\n"
    }

    private static func render(_ output: CellOutput) -> String {
        switch output {
        case .stream(_, let text), .table(let text):
            return fenced(text, info: "text")
        case .svg(let svg):
            return image("image/svg+xml", Base64.encode(Array(svg.utf8)), alt: "plot")
        case .png(let bytes):
            return image("image/png", Base64.encode(bytes), alt: "image")
        case .error(let message, let diagnostic):
            return fenced(diagnostic.isEmpty ? "error: \(message)" : diagnostic, info: "text")
        case .unrecognized(let block):
            return "<!-- \(block.kind) output: written by a newer fewshot, not exported -->"
        }
    }

    private static func image(_ mime: String, _ base64: [UInt8], alt: String) -> String {
        "<img alt=\"\(alt)\" src=\"data:\(mime);base64,\(String(decoding: base64, as: UTF8.self))\">"
    }

    /// `text` in a fence longer than any run of backticks inside it.
    private static func fenced(_ text: String, info: String) -> String {
        var longest = 0
        var run = 0
        for byte in text.utf8 {
            run = byte == UInt8(ascii: "`") ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return "\(fence)\(info)\n\(trimmingFinalNewlines(text))\n\(fence)"
    }

    private static func trimmingFinalNewlines(_ text: String) -> String {
        var text = Substring(text)
        while text.utf8.last == 0x0A { text = text.dropLast() }
        return String(text)
    }
}
