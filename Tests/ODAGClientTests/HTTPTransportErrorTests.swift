import Testing

@testable import ODAGClient

@Suite("HTTPTransportError")
struct HTTPTransportErrorTests {
    @Test("the kind decides the delivery unless told otherwise")
    func defaultDelivery() {
        for kind: HTTPTransportError.Kind in [
            .cannotResolveHost, .cannotConnect, .tlsFailure, .transportUnavailable, .invalidRequest,
        ] {
            #expect(HTTPTransportError(kind, detail: "x").delivery == .notSent)
        }
        for kind: HTTPTransportError.Kind in [.timedOut, .connectionLost, .other] {
            #expect(HTTPTransportError(kind, detail: "x").delivery == .mayHaveBeenSent)
        }
        #expect(HTTPTransportError(.timedOut, delivery: .notSent, detail: "x").delivery == .notSent)
    }

    @Test("the description gives detail, hint and whether the request was sent")
    func description() {
        let error = HTTPTransportError(.tlsFailure, detail: "the TLS handshake failed", hint: "check --ca-cert")
        #expect(error.description == "the TLS handshake failed; check --ca-cert (the request was not sent)")
        #expect(
            HTTPTransportError(.timedOut, detail: "no answer").description
                == "no answer (the request may have reached the server)")
    }
}
