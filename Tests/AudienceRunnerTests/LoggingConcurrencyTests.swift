import AudienceRunner
import Foundation
import Logging
import Testing

@Suite("Logging: lines from many threads never interleave")
struct LoggingConcurrencyTests {
    /// Lines longer than PIPE_BUF (4096 on Linux), which the kernel alone would not keep whole.
    @Test func concurrentWritesToAPipeProduceWholeLines() throws {
        var descriptors: [Int32] = [0, 0]
        #expect(pipe(&descriptors) == 0)
        let reader = FileHandle(fileDescriptor: descriptors[0], closeOnDealloc: true)
        let collected = CapturedLines()
        let readerDone = DispatchSemaphore(value: 0)
        let collectedSink = collected.sink
        Thread.detachNewThread {
            let data = reader.readDataToEndOfFile()
            collectedSink.write(String(decoding: data, as: UTF8.self))
            readerDone.signal()
        }

        let threads = 8
        let perThread = 200
        let padding = String(repeating: "x", count: 9000)
        let sink = LogSink.fileDescriptor(descriptors[1])
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            var logger = Logger(label: "t") { JSONLogHandler(label: $0, level: .info, sink: sink) }
            logger[metadataKey: "directory"] = "thread-\(thread)"
            for index in 0..<perThread {
                logger.info("m", metadata: ["event": "test.line", "index": .stringConvertible(index), "pad": "\(padding)"])
            }
        }
        close(descriptors[1])
        readerDone.wait()

        let output = try #require(collected.lines.first)
        #expect(output.hasSuffix("\n"))
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == threads * perThread)
        var seen = Set<String>()
        for line in lines {
            let object = try JSONValue.object(String(line))
            guard case .string(let directory) = object["directory"], case .number(let index) = object["index"] else {
                Issue.record("malformed line")
                continue
            }
            #expect(object["pad"] == .string(padding))
            seen.insert("\(directory)/\(Int(index))")
        }
        #expect(seen.count == threads * perThread)
    }

    @Test func aClosureSinkSeesEachLineOnceAndWhole() throws {
        let capture = CapturedLines()
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            let logger = textLogger(capture)
            for index in 0..<100 { logger.info("m", metadata: ["event": "t.l", "i": "\(thread)-\(index)"]) }
        }
        #expect(capture.lines.count == 800)
        #expect(capture.lines.allSatisfy { $0.hasSuffix(" m\n") && $0.filter { $0 == "\n" }.count == 1 })
        #expect(Set(capture.lines).count == 800)
    }
}
