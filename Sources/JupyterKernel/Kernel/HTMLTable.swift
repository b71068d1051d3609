import Language

/// A table as HTML for front ends that draw it (JupyterLab, VS Code): a caption for its
/// title, a header row, one row per record, every cell escaped.
enum HTMLTable {
    static func render(_ table: TableOutput) -> String {
        var html = "<table>\n"
        if let title = table.title { html += "<caption>\(escape(title))</caption>\n" }
        html += "<thead><tr>" + table.columns.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for row in table.rows {
            html += "<tr>" + row.map { "<td>\(escape($0))</td>" }.joined() + "</tr>\n"
        }
        return html + "</tbody>\n</table>\n"
    }

    /// `text` with `&`, `<`, `>` and quotes escaped: a cell's text never becomes markup.
    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
