/// Helpers on token and byte arrays that generation uses: stop sequences and UTF-8 pieces.
extension Array where Element == Int {
    /// How many leading tokens self and `other` share.
    func sharedPrefixCount(with other: [Int]) -> Int { zip(self, other).prefix { $0 == $1 }.count }

    func ends(with suffix: [Int]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }

    /// Length of the longest suffix of self that is a proper prefix of `stop`.
    func longestSuffixPrefix(of stop: [Int]) -> Int {
        var n = Swift.min(count, stop.count - 1)
        while n > 0 {
            if Array(self[(count - n)...]) == Array(stop[..<n]) { return n }
            n -= 1
        }
        return 0
    }
}

extension Array where Element == UInt8 {
    /// How many leading bytes form complete UTF-8 characters (invalid bytes count as complete).
    func completeUTF8Prefix() -> Int {
        var i = 0
        while i < count {
            let b = self[i]
            let len = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
            if i + len > count { break }
            i += len
        }
        return i
    }
}
