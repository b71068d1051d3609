import Foundation
import Language

/// Tab completion at the REPL prompt: `:commands`, file paths inside a string literal,
/// record and host-object fields after a dot, named arguments inside a call, and otherwise
/// the names in scope and the built-ins.
///
/// Example: with `let d = dataset(...)` run, `d.co` completes to `d.count`, `head(d, ` offers
/// `n: `, and `load("data/tw` offers `data/tweets.csv"`.
public struct Completer {
    /// The session whose names, values and built-ins are offered.
    let session: Session
    /// The folder relative paths are completed against.
    var directory: String

    /// A completer over `session`'s names, completing relative paths against `directory`.
    public init(session: Session, directory: String = FileManager.default.currentDirectoryPath) {
        self.session = session
        self.directory = directory
    }

    /// Replacements for `word`, which starts `wordStart` UTF-8 bytes into `line` and ends at
    /// the cursor.
    public func candidates(line: String, word: String, wordStart: Int) -> [String] {
        let before = String(decoding: line.utf8.prefix(wordStart), as: UTF8.self)
        let typed = before + word
        if typed.hasPrefix(":") {
            guard let space = typed.firstIndex(where: \.isWhitespace) else {
                return ReplCommand.all.filter { ":\($0.name)".hasPrefix(typed) }
                    .map { String(":\($0.name)\($0.arguments.isEmpty ? "" : " ")".dropFirst(before.count)) }
            }
            // `:save` and `:load` take a path.
            let command = ReplCommand(line: typed)?.spec?.name
            guard command == "save" || command == "load" else { return [] }
            let argument = typed[space...].drop(while: \.isWhitespace)
            return paths(completing: String(argument), word: word, fileEnd: "")
        }
        if let fragment = Completer.openString(typed) {
            return paths(completing: fragment, word: word, fileEnd: "\"")
        }
        // libedit hands over `d.cou` as one word (a dot does not break words): complete the
        // field after the last dot.
        if let dot = word.lastIndex(of: ".") {
            let objectName = String(word[..<dot]), fieldPrefix = String(word[word.index(after: dot)...])
            guard let value = session.global(objectName) else { return [] }
            return fieldNames(of: value).filter { $0.hasPrefix(fieldPrefix) }.map { objectName + "." + $0 }
        }
        if before.hasSuffix("."), let object = before.dropLast().split(whereSeparator: { !OpenCall.isNameCharacter($0) }).last,
            let value = session.global(String(object))
        {
            return fieldNames(of: value).filter { $0.hasPrefix(word) }
        }
        let names = session.globalNames.filter { $0.hasPrefix(word) }
        guard let call = OpenCall(before: before), let builtin = session.builtins[call.callee] else { return names }
        // Inside a built-in's call: the named arguments it still takes come first, and alone
        // when nothing is typed yet (so Tab after `head(d, ` inserts `n: `).
        let arguments = call.remaining(of: builtin.parameters.map(\.name)).filter { $0.hasPrefix(word) }.map { $0 + ": " }
        if word.isEmpty, !arguments.isEmpty { return arguments }
        return arguments + names
    }

    // MARK: Paths

    /// Files and folders whose path starts with `fragment` (relative to `directory`, absolute,
    /// or under `~/`); folders end in `/`, files in `fileEnd` (the string's closing quote).
    /// Hidden entries show only once a name starts with a dot. Each replacement covers
    /// `word`, the end of `fragment`.
    func paths(completing fragment: String, word: String, fileEnd: String) -> [String] {
        let slash = fragment.lastIndex(of: "/")
        let folderPart = slash.map { String(fragment[...$0]) } ?? ""
        let namePrefix = slash.map { String(fragment[fragment.index(after: $0)...]) } ?? fragment
        let folder: String
        if folderPart.hasPrefix("/") {
            folder = folderPart
        } else if folderPart.hasPrefix("~/") {
            folder = NSHomeDirectory() + folderPart.dropFirst()
        } else {
            folder = directory + "/" + folderPart
        }
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        // Replacements start where the word does: drop what of the fragment is on the line
        // before it, or keep what of the word comes before the fragment (the quote).
        let alreadyOnLine = max(0, fragment.count - word.count)
        let beforeFragment = word.dropLast(fragment.count)
        return entries.filter { $0.hasPrefix(namePrefix) && ($0.hasPrefix(".") == namePrefix.hasPrefix(".")) }.sorted()
            .map { name in
                var isFolder: ObjCBool = false
                FileManager.default.fileExists(atPath: folder + "/" + name, isDirectory: &isFolder)
                return beforeFragment + (folderPart + name).dropFirst(alreadyOnLine) + (isFolder.boolValue ? "/" : fileEnd)
            }
    }

    /// The text of the string literal still open at the end of `text` (after its opening
    /// quote), or nil when the text ends outside any string.
    static func openString(_ text: String) -> String? {
        var start: String.Index?
        var index = text.startIndex
        while index < text.endIndex {
            let c = text[index]
            if c == "\\" && start != nil {
                index = text.index(after: index)
                if index == text.endIndex { break }
            } else if c == "\"" {
                start = start == nil ? text.index(after: index) : nil
            } else if c == "#" && start == nil {
                return nil  // a comment runs to the end of the line
            }
            index = text.index(after: index)
        }
        return start.map { String(text[$0...]) }
    }

    // MARK: Names

    private func fieldNames(of value: Value) -> [String] {
        switch value {
        case .record(let record): return Array(record.fields.keys)
        case .host(let object): return object.fieldNames
        default: return []
        }
    }
}
