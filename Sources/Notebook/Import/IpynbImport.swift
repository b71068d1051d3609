import Foundation

// Import from Jupyter's nbformat 4: the way back from `export(to: .ipynb)` and from notebooks
// the fewshot kernel ran (JupyterLab, nbclient), so .fsnb → .ipynb → .fsnb keeps the cells,
// their outputs and the teacher recording (`NB.ipynb.teacher`, beside the notebook).
//
// How outputs come back:
// - stream → stream (consecutive pieces of one stream merged, as fewshot keeps them);
// - execute_result text/plain → stdout text (the cell's value, as `fewshot run` prints it);
// - display_data/execute_result with image/svg+xml → svg, image/png → png;
// - a table (`metadata.fewshot.output` "table", or a display with text/plain only) → table;
// - a progress bar the kernel drew (`metadata.fewshot.output` "progress") → dropped: only its
//   final line, printed as text, belongs to the cell;
// - error → error, the traceback's lines being the diagnostic.

extension Notebook {
    /// The notebook in the Jupyter file at `path`, with the teacher recording beside it
    /// (`PATH.teacher`) when there is one.
    ///
    ///     let notebook = try Notebook.importIpynb(from: "sentiment.ipynb")
    ///     try notebook.save(to: "sentiment.fsnb")
    public static func importIpynb(from path: String) throws(NotebookError) -> Notebook {
        let bytes = try FileIO.read(path)
        var notebook = try importIpynb(bytes, source: path)
        let sidecar = TeacherRecording.sidecarPath(forNotebookAt: path)
        if FileManager.default.fileExists(atPath: sidecar) {
            notebook.teacherRecording = TeacherRecording(content: try FileIO.read(sidecar), placement: .sidecar)
        }
        return notebook
    }

    /// The notebook in nbformat 4 JSON text (`source` names it in errors).
    public static func importIpynb(_ bytes: [UInt8], source: String) throws(NotebookError) -> Notebook {
        guard let document = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw NotebookError.malformed(path: source, line: 1, message: "not a JSON notebook")
        }
        guard let format = document["nbformat"] as? Int, format == 4 else {
            throw NotebookError.malformed(
                path: source, line: 1, message: "not nbformat 4 (only Jupyter's current format is read)")
        }
        var notebook = Notebook()
        let metadata = document["metadata"] as? [String: Any] ?? [:]
        notebook.metadata.fewshotVersion = (metadata["language_info"] as? [String: Any])?["version"] as? String
        if let fewshot = metadata["fewshot"] as? [String: Any], let model = fewshot["teacher_model"] as? String {
            notebook.metadata.teacher = TeacherConfiguration(model: model, baseURL: fewshot["teacher_base_url"] as? String)
        }
        var ids = Set<String>()
        for (index, raw) in (document["cells"] as? [Any] ?? []).enumerated() {
            guard let json = raw as? [String: Any] else {
                throw NotebookError.malformed(path: source, line: 1, message: "cell \(index + 1) is not an object")
            }
            var cell = IpynbCell.cell(json)
            if !Cell.isValidID(cell.id) || !ids.insert(cell.id).inserted {
                cell.id = Cell.newID()
                ids.insert(cell.id)
            }
            notebook.cells.append(cell)
        }
        return notebook
    }
}

/// One nbformat cell to a fewshot cell.
enum IpynbCell {
    static func cell(_ json: [String: Any]) -> Cell {
        let id = json["id"] as? String ?? ""
        let source = text(json["source"])
        guard json["cell_type"] as? String == "code" else { return Cell(id: id, kind: .text, source: source) }
        var cell = Cell(id: id, kind: .code, source: source)
        cell.executionCount = json["execution_count"] as? Int
        let fewshot = (json["metadata"] as? [String: Any])?["fewshot"] as? [String: Any]
        cell.duration = (fewshot?["duration_seconds"] as? NSNumber)?.doubleValue
        for output in json["outputs"] as? [Any] ?? [] {
            guard let output = output as? [String: Any], let converted = convert(output) else { continue }
            // fewshot keeps consecutive text of one stream as one output.
            if case .stream(let stream, let more) = converted, case .stream(stream, let before)? = cell.outputs.last {
                cell.outputs[cell.outputs.count - 1] = .stream(stream, before + more)
            } else {
                cell.outputs.append(converted)
            }
        }
        return cell
    }

    private static func convert(_ output: [String: Any]) -> CellOutput? {
        switch output["output_type"] as? String {
        case "stream":
            let stream: CellOutput.Stream = output["name"] as? String == "stderr" ? .stderr : .stdout
            return .stream(stream, text(output["text"]))
        case "error":
            let traceback = (output["traceback"] as? [Any] ?? []).compactMap { $0 as? String }
            return .error(message: output["evalue"] as? String ?? "", diagnostic: traceback.map { $0 + "\n" }.joined())
        case "display_data", "execute_result":
            let data = output["data"] as? [String: Any] ?? [:]
            let kind = ((output["metadata"] as? [String: Any])?["fewshot"] as? [String: Any])?["output"] as? String
            if kind == "progress" { return nil }
            if let svg = data["image/svg+xml"] { return .svg(text(svg)) }
            if let png = data["image/png"], let bytes = Data(base64Encoded: text(png), options: .ignoreUnknownCharacters) {
                return .png([UInt8](bytes))
            }
            let plain = text(data["text/plain"])
            if output["output_type"] as? String == "execute_result" && kind != "table" {
                return .stream(.stdout, plain.hasSuffix("\n") ? plain : plain + "\n")
            }
            return .table(plain)
        default:
            return nil
        }
    }

    /// nbformat's multi-line text: a string, or a list of strings to join.
    static func text(_ value: Any?) -> String {
        if let string = value as? String { return string }
        return (value as? [Any] ?? []).compactMap { $0 as? String }.joined()
    }
}
