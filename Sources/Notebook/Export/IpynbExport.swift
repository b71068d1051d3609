// Export to Jupyter's nbformat 4.5. Cell ids carry over unchanged (the .fsnb id rule is
// nbformat's); text cells become markdown cells; outputs become stream, display_data
// (tables as text/plain, SVG, PNG) and error outputs.

enum IpynbExport {
    static func render(_ notebook: Notebook) -> String {
        var fewshot: [String: JSONText] = ["format_version": .string(notebook.formatVersion.description)]
        if let teacher = notebook.metadata.teacher {
            fewshot["teacher_model"] = .string(teacher.model)
            if let url = teacher.baseURL { fewshot["teacher_base_url"] = .string(url) }
        }
        var languageInfo: [String: JSONText] = ["name": .string("fewshot")]
        if let version = notebook.metadata.fewshotVersion { languageInfo["version"] = .string(version) }
        let metadata: [String: JSONText] = [
            "kernelspec": .object([
                "display_name": .string("fewshot"), "language": .string("fewshot"), "name": .string("fewshot"),
            ]),
            "language_info": .object(languageInfo),
            "fewshot": .object(fewshot),
        ]
        let document: JSONText = .object([
            "cells": .array(notebook.cells.map(cell)),
            "metadata": .object(metadata),
            "nbformat": .int(4),
            "nbformat_minor": .int(5),
        ])
        return document.serialized()
    }

    private static func cell(_ cell: Cell) -> JSONText {
        switch cell.kind {
        case .text:
            return .object([
                "cell_type": .string("markdown"), "id": .string(cell.id), "metadata": .object([:]),
                "source": JSONText.lines(cell.source),
            ])
        case .code:
            var metadata: [String: JSONText] = [:]
            if let duration = cell.duration { metadata["fewshot"] = .object(["duration_seconds": .double(duration)]) }
            return .object([
                "cell_type": .string("code"), "id": .string(cell.id), "metadata": .object(metadata),
                "execution_count": cell.executionCount.map { .int($0) } ?? .null,
                "outputs": .array(cell.outputs.map(output)),
                "source": JSONText.lines(cell.source),
            ])
        }
    }

    private static func output(_ output: CellOutput) -> JSONText {
        switch output {
        case .stream(let stream, let text):
            return .object(["output_type": .string("stream"), "name": .string(stream.rawValue), "text": JSONText.lines(text)])
        case .table(let text):
            return display(["text/plain": JSONText.lines(text)])
        case .svg(let svg):
            return display(["image/svg+xml": JSONText.lines(svg), "text/plain": .array([.string("<SVG plot>")])])
        case .png(let bytes):
            let base64 = String(decoding: Base64.encode(bytes), as: UTF8.self)
            return display(["image/png": .string(base64), "text/plain": .array([.string("<PNG image>")])])
        case .error(let message, let diagnostic):
            var traceback = diagnostic.utf8.split(separator: 0x0A, omittingEmptySubsequences: false)
                .map { JSONText.string(String(decoding: $0, as: UTF8.self)) }
            if case .string("") = traceback.last { traceback.removeLast() }
            return .object([
                "output_type": .string("error"), "ename": .string("fewshot error"), "evalue": .string(message),
                "traceback": .array(traceback),
            ])
        case .unrecognized(let block):
            return display(["text/plain": .array([.string("[\(block.kind) output: written by a newer fewshot, not exported]")])])
        }
    }

    private static func display(_ data: [String: JSONText]) -> JSONText {
        .object(["output_type": .string("display_data"), "data": .object(data), "metadata": .object([:])])
    }
}
