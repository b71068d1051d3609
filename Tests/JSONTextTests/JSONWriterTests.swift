import Testing

@testable import JSONText

@Suite struct JSONWriterTests {
    @Test func compactKeepsOrderAndEscapesOnlyWhatJSONNeeds() {
        let v: JSON = .object(["z": .string("I'm \"q\"\\\n\t\u{1}é"), "a": .array([.int(1), .double(2), .null, .bool(false)])])
        #expect(JSONWriter.string(v) == #"{"z":"I'm \"q\"\\\n\t\u0001é","a":[1,2.0,null,false]}"#)
        #expect(JSONWriter.string(.array([])) == "[]" && JSONWriter.string(.object([:]), indent: 2) == "{}")
    }

    @Test func numbersReadBackAsTheSameDouble() throws {
        for d in [0.1, -0.0, 1e15, 1e16, 1e-5, 123456789.125, .leastNonzeroMagnitude, .greatestFiniteMagnitude] {
            let text = JSONWriter.number(d)
            #expect(try JSONReader.parse(text) == .double(d), "\(text)")
        }
        #expect(JSONWriter.number(2) == "2.0" && JSONWriter.number(-0.0) == "-0.0" && JSONWriter.number(1e16) == "1e+16")
        #expect(JSONWriter.number(.nan) == "null" && JSONWriter.number(-.infinity) == "null")
    }

    @Test func prettyPrintsWithIndentAndOptionallySortedKeys() {
        let v: JSON = .object(["b": .array([.int(1), .object(["y": .null, "x": .string("s")])]), "a": .object([:])])
        #expect(
            JSONWriter.string(v, indent: 2) == """
                {
                  "b": [
                    1,
                    {
                      "y": null,
                      "x": "s"
                    }
                  ],
                  "a": {}
                }
                """)
        // Jupyter's own layout: one space per level, keys sorted.
        #expect(
            JSONWriter.string(v, indent: 1, sortedKeys: true) == """
                {
                 "a": {},
                 "b": [
                  1,
                  {
                   "x": "s",
                   "y": null
                  }
                 ]
                }
                """)
    }

    @Test func roundTripsWhatItReads() throws {
        let text = #"{"k":[1,-2.5,"s\n",null,true,{"n":{}}],"e":[]}"#
        #expect(JSONWriter.string(try JSONReader.parse(text)) == text)
        #expect(JSONWriter.quoted("a\u{7f}\u{1f}") == "\"a\u{7f}\\u001f\"")
    }
}
