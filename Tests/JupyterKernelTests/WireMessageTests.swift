import Foundation
import Testing

@testable import JupyterKernel

/// The wire format and its signatures, against values computed independently (Python's
/// `hmac.new(key, msg, hashlib.sha256).hexdigest()` over the same frames).
struct WireMessageTests {
    let signer = MessageSigner(key: "a0436f6c-1916-498b-8eb9-e81ab9368e84")

    @Test func signatureIsHMACSHA256OverTheFourFrames() {
        let frames = [#"{"msg_type":"kernel_info_request"}"#, "{}", "{}", "{}"].map { Array($0.utf8) }
        let expected = "62f768e9a3edb084cbd14e86f046120480634bb51f49847b943dc0d86c9bc6d0"
        #expect(signer.signature(frames) == expected)
        #expect(signer.isValid(Array(expected.utf8), for: frames))
        #expect(!signer.isValid(Array(expected.dropLast().utf8), for: frames))
        #expect(!signer.isValid(Array(expected.uppercased().utf8), for: frames))
    }

    @Test func aRoundTripKeepsEveryPart() throws {
        var message = WireMessage(
            type: "execute_request", content: ["code": "print(1)", "silent": false], parent: nil, session: "s1",
            identities: [Array("peer".utf8)])
        message.metadata = ["x": 1]
        let decoded = try WireMessage.decode(message.encode(signer: signer), signer: signer)
        #expect(decoded.identities == [Array("peer".utf8)])
        #expect(decoded.type == "execute_request")
        #expect(decoded.content["code"] as? String == "print(1)")
        #expect(decoded.metadata["x"] as? Int == 1)
        #expect(decoded.id == message.id)
    }

    /// Any change to a signed frame, or a signature made with another key, is refused.
    @Test(arguments: [0, 1, 2, 3, 4])
    func aTamperedMessageIsRefused(frame: Int) throws {
        let message = WireMessage(type: "execute_request", content: ["code": "1"], parent: nil, session: "s")
        var frames = message.encode(signer: signer)
        let delimiter = frames.firstIndex(of: WireMessage.delimiter)!
        frames[delimiter + 1 + frame][0] ^= 0x01
        #expect(throws: WireError.badSignature) { try WireMessage.decode(frames, signer: signer) }
    }

    @Test func anotherKeysSignatureIsRefusedAndNoKeyTurnsSigningOff() throws {
        let message = WireMessage(type: "kernel_info_request", content: [:], parent: nil, session: "s")
        let forged = message.encode(signer: MessageSigner(key: "not the key"))
        #expect(throws: WireError.badSignature) { try WireMessage.decode(forged, signer: signer) }
        let unsigned = message.encode(signer: MessageSigner(key: ""))
        #expect(unsigned[1].isEmpty)
        #expect(throws: WireError.badSignature) { try WireMessage.decode(unsigned, signer: signer) }
        #expect(try WireMessage.decode(unsigned, signer: MessageSigner(key: "")).type == "kernel_info_request")
    }

    /// Frames that are no protocol message are refused with a reason, never a crash.
    @Test func malformedFramesAreRefused() {
        let cases: [[[UInt8]]] = [
            [],
            [Array("<IDS|MSG>".utf8)],
            [Array("id".utf8), Array("no delimiter".utf8)],
            [Array("<IDS|MSG>".utf8), [], Array("not json".utf8), Array("{}".utf8), Array("{}".utf8), Array("{}".utf8)],
            [Array("<IDS|MSG>".utf8), [], Array("[]".utf8), Array("{}".utf8), Array("{}".utf8), Array("{}".utf8)],
            [Array("<IDS|MSG>".utf8), [], Array("{}".utf8), Array("{}".utf8), Array("{}".utf8), Array("{}".utf8)],
        ]
        let open = MessageSigner(key: "")
        for frames in cases {
            #expect(throws: WireError.self) { try WireMessage.decode(frames, signer: open) }
        }
    }

    @Test func theConnectionFileIsReadAndChecked() throws {
        let json =
            #"{"transport":"tcp","ip":"127.0.0.1","shell_port":1,"iopub_port":2,"stdin_port":3,"control_port":4,"hb_port":5,"key":"k","signature_scheme":"hmac-sha256"}"#
        let info = try ConnectionInfo(json: Array(json.utf8))
        #expect(info.endpoint(info.heartbeatPort) == "tcp://127.0.0.1:5")
        let md5 = json.replacingOccurrences(of: "hmac-sha256", with: "hmac-md5")
        #expect(throws: KernelError.self) { try ConnectionInfo(json: Array(md5.utf8)) }
        let noPort = json.replacingOccurrences(of: #""hb_port":5,"#, with: "")
        #expect(throws: KernelError.self) { try ConnectionInfo(json: Array(noPort.utf8)) }
    }
}
