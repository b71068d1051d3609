import Testing

@testable import Datasets

@Suite struct FormatsTests {
    @Test func jsonKeepsKeyOrderAndTellsIntsFromDoubles() throws {
        let v = try FieldValue.parseJSON(#"{"b": 1, "a": [true, null, 2.5, -3e2], "c": "\u00e9\n\"q\" \ud83d\ude00"}"#)
        guard case .record(let r) = v else { Issue.record("not an object"); return }
        #expect(r.names == ["b", "a", "c"])
        #expect(r["b"] == .int(1))
        #expect(r["a"] == [true, nil, 2.5, -300.0])
        #expect(r["c"] == "é\n\"q\" 😀")
        #expect(v.description == #"{"b":1,"a":[true,null,2.5,-300.0],"c":"é\n\"q\" 😀"}"#)
    }

    @Test func malformedJSONIsADatasetErrorWithLineAndColumn() {
        #expect(throws: DatasetError("expected ',' or ']' in the array, found '2]' (column 4)", line: 3)) {
            try FieldValue.parseJSON("[1 2]", firstLine: 3)
        }
    }

    @Test func jsonlErrorNamesFileAndLine() throws {
        let dir = try TempFolder()
        defer { dir.remove() }
        let path = try dir.file("bad.jsonl", "{\"a\": 1}\n\n{\"a\": 2}\n{\"a\": 3\n")
        #expect {
            _ = try Dataset.load(path)
        } throws: { error in
            let e = error as! DatasetError
            return e.file == path && e.line == 4 && e.description.hasPrefix(path + ":4: expected ',' or '}'")
        }
        let notObject = try dir.file("list.jsonl", "{\"a\": 1}\n[1]\n")
        #expect(throws: DatasetError("expected a JSON object on each line, found an array", file: notObject, line: 2)) {
            try Dataset.load(notObject)
        }
    }

    @Test func jsonlWithCRLFLineEnds() throws {
        let rows = try DatasetCodec.decode("{\"a\": 1}\r\n\r\n{\"a\": 2}\r\n", as: .jsonl)
        #expect(rows == [["a": 1], ["a": 2]])
        #expect(throws: DatasetError("expected a JSON value, found 'x}' (column 7)", line: 2)) {
            try DatasetCodec.decode("{\"a\": 1}\r\n{\"a\": x}\r\n", as: .jsonl)
        }
    }

    @Test func csvHandlesQuotesEmbeddedNewlinesAndCRLF() throws {
        let text = "id,text,score\r\n1,\"hello, \"\"world\"\"\",0.5\r\n2,\"two\r\nlines\",\r\n3,plain,2\r\n"
        let rows = try CSV.parse(text)
        #expect(rows.count == 3)
        #expect(rows[0] == ["id": 1, "text": "hello, \"world\"", "score": 0.5])
        #expect(rows[1] == ["id": 2, "text": "two\r\nlines", "score": nil])
        #expect(rows[2]["score"] == .double(2))
        #expect(try CSV.parse(CSV.write(rows)) == rows)
    }

    @Test(arguments: [
        ("a,b\n1,2\n3,4,5\n", 3, "ragged row: expected 2 fields (a, b), found 3"),
        ("a,b\n1,\"x\n2,3\n", 2, "unterminated quoted field"),
        ("a,b\n1,x\"y\"\n", 2, "a quote inside an unquoted field"),
        ("a,b\n\"x\"y,2\n", 2, "expected ',' or a line end after a closing quote"),
        ("a,a\n1,2\n", 1, "duplicate column 'a'"),
        ("a,b\n\"multi\nline\",1\n4\n", 4, "ragged row"),
    ])
    func malformedCSVNamesTheLine(text: String, line: Int, message: String) {
        #expect {
            _ = try CSV.parse(text)
        } throws: { error in
            let e = error as! DatasetError
            return e.line == line && e.message.contains(message)
        }
    }

    @Test(arguments: FileFormat.allCases)
    func saveThenLoadRoundTrips(format: FileFormat) throws {
        let dir = try TempFolder()
        defer { dir.remove() }
        let data = Dataset([["text": "a, \"quoted\"\nline", "n": 1, "label": "pos"], ["text": "b", "n": 2, "label": "neg"]])
        let path = dir.path + "/data." + format.rawValue
        try data.save(path)
        let back = try Dataset.load(path)
        #expect(back.rows == data.rows)
        #expect(back.labelColumn == "label")
        // Saving again replaces the file whole, and leaves no temporary file behind.
        try data.head(1).save(path)
        #expect(try Dataset.load(path).count == 1)
        #expect(try FileManagerList(dir.path) == ["data." + format.rawValue])
    }

    @Test func unknownExtensionIsAnError() throws {
        #expect(throws: DatasetError("unknown format '.txt': expected .jsonl, .csv or .json", file: "x.txt")) {
            try Dataset.load("x.txt")
        }
        #expect(throws: DatasetError.self) { try Dataset.load("/nonexistent/file.csv") }
    }

    @Test func jsonTopLevelMustBeAnArrayOfObjects() throws {
        let dir = try TempFolder()
        defer { dir.remove() }
        let p = try dir.file("o.json", "{\"a\": 1}")
        #expect(throws: DatasetError("expected a JSON array of objects at the top level, found an object", file: p, line: 1)) {
            try Dataset.load(p)
        }
    }

    static let tweetsPath = (ProcessInfoEnvironment.home ?? "") + "/.cache/fewshot/data/tweets.csv"

    @Test(.enabled(if: FileExists(tweetsPath), "the tweets are not installed (run scripts/setup)"))
    func loadsTheTweetsFile() throws {
        let path = Self.tweetsPath
        let tweets = try Dataset.load(path).withLabel("sentiment")
        #expect(tweets.schema.names == ["sentiment", "confidence", "text"])
        #expect(tweets.schema.column("confidence")?.type == .double)
        #expect(tweets.labelDistribution.count >= 2)
    }
}
