// Byte-level UTF-8 helpers shared by the .fsnb reader and writer. The format works on bytes,
// not on Swift `String`s, because a `String` treats "\r\n" as one character and compares
// canonically equivalent text as equal; an exact round trip needs the bytes themselves.

enum UTF8Scan {
    /// The length of the well-formed UTF-8 sequence starting at `i`, or 0 when the bytes there
    /// are not valid UTF-8 (overlong forms, surrogates and values past U+10FFFF are invalid).
    static func sequenceLength(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int, end: Int) -> Int {
        let b0 = bytes[i]
        if b0 < 0x80 { return 1 }
        func continuation(_ k: Int) -> Bool { i + k < end && bytes[i + k] & 0xC0 == 0x80 }
        switch b0 {
        case 0xC2...0xDF:
            return continuation(1) ? 2 : 0
        case 0xE0...0xEF:
            guard continuation(1), continuation(2) else { return 0 }
            let b1 = bytes[i + 1]
            if b0 == 0xE0 && b1 < 0xA0 { return 0 }  // overlong
            if b0 == 0xED && b1 > 0x9F { return 0 }  // surrogate
            return 3
        case 0xF0...0xF4:
            guard continuation(1), continuation(2), continuation(3) else { return 0 }
            let b1 = bytes[i + 1]
            if b0 == 0xF0 && b1 < 0x90 { return 0 }  // overlong
            if b0 == 0xF4 && b1 > 0x8F { return 0 }  // past U+10FFFF
            return 4
        default:
            return 0
        }
    }

    /// The scalar value of a well-formed sequence of `length` bytes at `i`.
    static func scalar(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int, length: Int) -> UInt32 {
        switch length {
        case 1: return UInt32(bytes[i])
        case 2: return UInt32(bytes[i] & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F)
        case 3:
            return UInt32(bytes[i] & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6
                | UInt32(bytes[i + 2] & 0x3F)
        default:
            return UInt32(bytes[i] & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12
                | UInt32(bytes[i + 2] & 0x3F) << 6 | UInt32(bytes[i + 3] & 0x3F)
        }
    }

    /// Scalars that are valid Unicode but that a text file should not carry raw: C0 controls
    /// other than tab, DEL, C1 controls, and the characters some tools treat as line breaks or
    /// strip silently (U+2028, U+2029, U+FEFF).
    static func needsEscape(_ scalar: UInt32) -> Bool {
        if scalar < 0x20 { return scalar != 0x09 }
        if scalar < 0x7F { return false }
        if scalar <= 0x9F { return true }
        return scalar == 0x2028 || scalar == 0x2029 || scalar == 0xFEFF
    }

    /// Whether the 8 bytes at `i` are all printable ASCII (0x20 to 0x7E): the common case,
    /// tested a word at a time.
    @inline(__always)
    static func eightPrintable(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Bool {
        let v = UnsafeRawPointer(bytes.baseAddress! + i).loadUnaligned(as: UInt64.self)
        let high: UInt64 = 0x8080_8080_8080_8080
        let ones: UInt64 = 0x0101_0101_0101_0101
        let below20 = (v &- 0x2020_2020_2020_2020) & ~v & high
        let del = v ^ 0x7F7F_7F7F_7F7F_7F7F
        let isDEL = (del &- ones) & ~del & high
        return (v & high) | below20 | isDEL == 0
    }

    /// Whether the 8 bytes at `i` are all ASCII.
    @inline(__always)
    static func eightASCII(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Bool {
        UnsafeRawPointer(bytes.baseAddress! + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0
    }

    /// The offset of the first byte that is not well-formed UTF-8, or nil when all are.
    static func firstInvalidOffset(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        let end = bytes.count
        while i < end {
            if i + 8 <= end && eightASCII(bytes, at: i) {
                i += 8
                continue
            }
            if bytes[i] < 0x80 {
                i += 1
                continue
            }
            let n = sequenceLength(bytes, at: i, end: end)
            if n == 0 { return i }
            i += n
        }
        return nil
    }
}
