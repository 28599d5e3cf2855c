import Testing

@testable import ODAGClient

@Suite("HTTPTransportError")
struct HTTPTransportErrorTests {
    @Test("the kind decides the delivery unless told otherwise")
    func defaultDelivery() {
        for kind: HTTPTransportError.Kind in [
            .cannotResolveHost, .cannotConnect, .untrustedServerCertificate, .clientCertificateRejected,
            .certificateFileUnusable, .serverNotTLS, .tlsFailure, .transportUnavailable, .invalidRequest,
        ] {
            #expect(HTTPTransportError(kind, detail: "x").delivery == .notSent)
        }
        for kind: HTTPTransportError.Kind in [.timedOut, .connectionLost, .invalidAnswer, .answerTooLarge, .other] {
            #expect(HTTPTransportError(kind, detail: "x").delivery == .mayHaveBeenSent)
        }
        #expect(HTTPTransportError(.timedOut, delivery: .notSent, detail: "x").delivery == .notSent)
    }

    @Test("the description gives the detail and whether the request was sent, and names no option")
    func description() {
        let error = HTTPTransportError(.untrustedServerCertificate, detail: "the TLS certificate is not trusted")
        #expect(error.description == "the TLS certificate is not trusted (the request was not sent)")
        #expect(
            HTTPTransportError(.timedOut, detail: "no answer").description
                == "no answer (the request may have reached the server)")
    }

    @Test("an answer too large or not HTTP, and certificate problems, are not worth retrying")
    func worthRetrying() {
        let final: Set<HTTPTransportError.Kind> = [
            .untrustedServerCertificate, .clientCertificateRejected, .certificateFileUnusable, .serverNotTLS,
            .invalidAnswer, .answerTooLarge, .transportUnavailable, .invalidRequest,
        ]
        for kind in HTTPTransportError.Kind.allCases {
            #expect(HTTPTransportError(kind, detail: "x").isWorthRetrying == !final.contains(kind), "\(kind)")
        }
    }
}
