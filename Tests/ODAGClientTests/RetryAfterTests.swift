import Foundation
import Testing

@testable import ODAGClient

@Suite("RetryAfter")
struct RetryAfterTests {
    let now = Date(timeIntervalSince1970: 1_445_412_475)  // Wed, 21 Oct 2015 07:27:55 GMT

    @Test("delay-seconds")
    func seconds() {
        #expect(RetryAfter.seconds(from: "120", now: now) == 120)
        #expect(RetryAfter.seconds(from: " 0 ", now: now) == 0)
    }

    @Test("the three HTTP date forms, measured from now; a past date is zero")
    func dates() {
        #expect(RetryAfter.seconds(from: "Wed, 21 Oct 2015 07:28:00 GMT", now: now) == 5)
        #expect(RetryAfter.seconds(from: "Wednesday, 21-Oct-15 07:28:00 GMT", now: now) == 5)
        #expect(RetryAfter.seconds(from: "Wed Oct 21 07:28:00 2015", now: now) == 5)
        #expect(RetryAfter.seconds(from: "Tue, 20 Oct 2015 07:28:00 GMT", now: now) == 0)
    }

    @Test("anything else is unreadable")
    func garbage() {
        for text in ["", "soon", "-5", "1.5", "Wed, 99 Foo 2015"] {
            #expect(RetryAfter.seconds(from: text, now: now) == nil)
        }
    }
}
