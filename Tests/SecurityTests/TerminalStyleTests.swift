import Testing

@testable import Workbench

@Suite struct TerminalStyleTests {
    @Test func fewshotsOwnColoursSurvive() {
        let coloured = "\u{1B}[1mcell-1:1:1:\u{1B}[0m \u{1B}[31merror:\u{1B}[0m x\n"
        #expect(TerminalSafety.neutralizeKeepingStyles(coloured) == coloured)
    }

    @Test func everythingElseIsNeutralised() {
        let hostile = "a\u{1B}[2Jb\u{1B}]0;title\u{07}c\u{1B}[8md\u{1B}[30;40me\u{1B}[Hf\u{9B}31m"
        let shown = TerminalSafety.neutralizeKeepingStyles(hostile)
        #expect(!shown.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x9B })
        #expect(shown.contains(#"\u{1b}[2J"#))
    }

    @Test func aTruncatedSequenceIsNeutralised() {
        #expect(TerminalSafety.neutralizeKeepingStyles("x\u{1B}[") == #"x\u{1b}["#)
    }
}
