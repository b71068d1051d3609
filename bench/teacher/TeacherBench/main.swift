// teacher-bench: sends N chat requests through HTTPTeacher with C in flight and prints one JSON
// line: wall time, requests per second and client CPU milliseconds per request.
//
// Usage: teacher-bench --base-url http://127.0.0.1:PORT/v1 [--requests 1000] [--concurrency 64]
import Chat
import Foundation
import Teacher
import TeacherHTTP

var baseURL = ""
var count = 1000
var concurrency = 64
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--base-url": baseURL = arguments.next() ?? ""
    case "--requests": count = Int(arguments.next() ?? "") ?? count
    case "--concurrency": concurrency = Int(arguments.next() ?? "") ?? concurrency
    default:
        FileHandle.standardError.write(Data("unknown argument \(argument)\n".utf8))
        exit(2)
    }
}

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
    let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    return user + system
}

do {
    let teacher = try HTTPTeacher(
        HTTPTeacherConfiguration(model: "fixture", baseURL: baseURL, maxConcurrency: concurrency, timeout: 30))
    let requests = (0..<count).map { index in
        ChatRequest(
            model: "fixture",
            messages: [
                ChatMessage(role: "system", content: "You label the sentiment of tweets."),
                ChatMessage(role: "user", content: "Tweet \(index): what a lovely day for a benchmark"),
            ], temperature: 0.7, maxTokens: 16)
    }
    let cpuStart = cpuSeconds()
    let wallStart = Date()
    let results = teacher.complete(requests, progress: nil, isCancelled: { false })
    let wall = Date().timeIntervalSince(wallStart)
    let cpu = cpuSeconds() - cpuStart
    let failures = results.filter { if case .failure = $0 { return true } else { return false } }.count
    let line: [String: Any] = [
        "client": "fewshot HTTPTeacher (libcurl multi)", "requests": count, "concurrency": concurrency,
        "failures": failures, "wall_s": wall, "requests_per_s": Double(count) / wall,
        "cpu_ms_per_request": cpu * 1000 / Double(count),
    ]
    print(String(decoding: try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]), as: UTF8.self))
    exit(failures == 0 ? 0 : 1)
} catch {
    FileHandle.standardError.write(Data("teacher-bench: \(error)\n".utf8))
    exit(1)
}
