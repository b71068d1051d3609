/// One dispatched server-sent event.

import Teacher

struct ServerSentEvent: Hashable {
    /// The `event:` field, `"message"` when absent.
    var type: String
    /// The `data:` lines joined with `"\n"`.
    var data: String
}

/// An incremental parser of a `text/event-stream` body, by the WHATWG rules.
///
/// Lines end in CRLF, LF or CR; `field: value` lines have one optional space after the colon
/// stripped; lines starting with `:` are comments; several `data` lines join with `"\n"`; a blank
/// line dispatches the event (an event with no data is dropped); an unfinished event at the end
/// of the stream is discarded. Feed bytes in any chunking; events come out whole.
struct ServerSentEventParser {
    private var line: [UInt8] = []
    private var lastWasCarriageReturn = false
    private var eventType = ""
    private var data: [UInt8] = []
    private var hasData = false

    /// Set when a line was not valid UTF-8; the stream is then unusable.
    private(set) var invalidUTF8 = false

    /// Consumes `bytes` and returns the events they completed, in order.
    mutating func feed<Bytes: Sequence>(_ bytes: Bytes) -> [ServerSentEvent] where Bytes.Element == UInt8 {
        var events: [ServerSentEvent] = []
        for byte in bytes {
            if lastWasCarriageReturn {
                lastWasCarriageReturn = false
                if byte == 0x0A { continue }  // the LF of a CRLF
            }
            switch byte {
            case 0x0D:
                lastWasCarriageReturn = true
                if let event = endLine() { events.append(event) }
            case 0x0A:
                if let event = endLine() { events.append(event) }
            default:
                line.append(byte)
            }
        }
        return events
    }

    /// Handles one complete line; returns an event when the line was blank and one was pending.
    private mutating func endLine() -> ServerSentEvent? {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty { return dispatch() }
        if line.first == UInt8(ascii: ":") { return nil }
        let colon = line.firstIndex(of: UInt8(ascii: ":"))
        let field = colon.map { Array(line[..<$0]) } ?? line
        var value = colon.map { Array(line[($0 + 1)...]) } ?? []
        if value.first == UInt8(ascii: " ") { value.removeFirst() }
        switch field {
        case Array("data".utf8):
            data.append(contentsOf: value)
            data.append(0x0A)
            hasData = true
        case Array("event".utf8):
            guard let text = String(validating: value, as: UTF8.self) else {
                invalidUTF8 = true
                return nil
            }
            eventType = text
        default:
            break  // `id`, `retry` and unknown fields do not matter to a chat client
        }
        return nil
    }

    /// Ends the pending event.
    private mutating func dispatch() -> ServerSentEvent? {
        defer {
            data.removeAll(keepingCapacity: true)
            eventType = ""
            hasData = false
        }
        guard hasData else { return nil }
        data.removeLast()  // the "\n" after the last data line
        guard let text = String(validating: data, as: UTF8.self) else {
            invalidUTF8 = true
            return nil
        }
        return ServerSentEvent(type: eventType.isEmpty ? "message" : eventType, data: text)
    }
}
