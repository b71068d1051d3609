// Export to Jupyter's nbformat 4.5. Cell ids carry over unchanged (the .fsnb id rule is
// nbformat's); text cells become markdown cells; outputs become stream, display_data
// (tables as text/plain, SVG, PNG) and error outputs.

import JSONText
import OrderedCollections

enum IpynbExport {
    static func render(_ notebook: Notebook) -> String {
        var fewshot: OrderedDictionary<String, JSON> = ["format_version": .string(notebook.formatVersion.description)]
        if let teacher = notebook.metadata.teacher {
            fewshot["teacher_model"] = .string(teacher.model)
            if let url = teacher.baseURL { fewshot["teacher_base_url"] = .string(url) }
        }
        var languageInfo: OrderedDictionary<String, JSON> = ["name": .string("fewshot")]
        if let version = notebook.metadata.fewshotVersion { languageInfo["version"] = .string(version) }
        let metadata: OrderedDictionary<String, JSON> = [
            "kernelspec": .object([
                "display_name": .string("fewshot"), "language": .string("fewshot"), "name": .string("fewshot"),
            ]),
            "language_info": .object(languageInfo),
            "fewshot": .object(fewshot),
        ]
        let document: JSON = .object([
            "cells": .array(notebook.cells.map(cell)),
            "metadata": .object(metadata),
            "nbformat": .int(4),
            "nbformat_minor": .int(5),
        ])
        // As Jupyter writes notebooks: keys sorted, one space of indent per level, a final
        // newline, so exports diff cleanly against notebooks Jupyter saved.
        return JSONWriter.string(document, indent: 1, sortedKeys: true) + "\n"
    }

    private static func cell(_ cell: Cell) -> JSON {
        switch cell.kind {
        case .text:
            return .object([
                "cell_type": .string("markdown"), "id": .string(cell.id), "metadata": .object([:]),
                "source": lines(cell.source),
            ])
        case .code:
            var metadata: OrderedDictionary<String, JSON> = [:]
            if let duration = cell.duration { metadata["fewshot"] = .object(["duration_seconds": .double(duration)]) }
            return .object([
                "cell_type": .string("code"), "id": .string(cell.id), "metadata": .object(metadata),
                "execution_count": cell.executionCount.map { .int($0) } ?? .null,
                "outputs": .array(cell.outputs.map(output)),
                "source": lines(cell.source),
            ])
        }
    }

    private static func output(_ output: CellOutput) -> JSON {
        switch output {
        case .stream(let stream, let text):
            return .object(["output_type": .string("stream"), "name": .string(stream.rawValue), "text": lines(text)])
        case .table(let text):
            return display(["text/plain": lines(text)])
        case .svg(let svg):
            return display(["image/svg+xml": lines(svg), "text/plain": .array([.string("<SVG plot>")])])
        case .png(let bytes):
            let base64 = String(decoding: Base64.encode(bytes), as: UTF8.self)
            return display(["image/png": .string(base64), "text/plain": .array([.string("<PNG image>")])])
        case .error(let message, let diagnostic):
            var traceback = diagnostic.utf8.split(separator: 0x0A, omittingEmptySubsequences: false)
                .map { JSON.string(String(decoding: $0, as: UTF8.self)) }
            if case .string("") = traceback.last { traceback.removeLast() }
            return .object([
                "output_type": .string("error"), "ename": .string("fewshot error"), "evalue": .string(message),
                "traceback": .array(traceback),
            ])
        case .unrecognized(let block):
            return display(["text/plain": .array([.string("[\(block.kind) output: written by a newer fewshot, not exported]")])])
        }
    }

    /// Jupyter's multi-line string: the text split after each line feed.
    private static func lines(_ text: String) -> JSON {
        var pieces: [JSON] = []
        var current: [UInt8] = []
        for byte in text.utf8 {
            current.append(byte)
            if byte == 0x0A {
                pieces.append(.string(String(decoding: current, as: UTF8.self)))
                current.removeAll(keepingCapacity: true)
            }
        }
        if !current.isEmpty { pieces.append(.string(String(decoding: current, as: UTF8.self))) }
        return .array(pieces)
    }

    private static func display(_ data: OrderedDictionary<String, JSON>) -> JSON {
        .object(["output_type": .string("display_data"), "data": .object(data), "metadata": .object([:])])
    }
}
