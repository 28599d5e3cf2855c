import Foundation
import Testing

@testable import ODAGEmulator

@Suite struct EmulatorTimestampTests {
    @Test func writesUTCWithMilliseconds() {
        #expect(EmulatorTimestamp.string(Date(timeIntervalSince1970: 1_767_225_600)) == "2026-01-01T00:00:00.000Z")
        #expect(EmulatorTimestamp.string(Date(timeIntervalSince1970: 951_782_400.5)) == "2000-02-29T00:00:00.500Z")
        #expect(EmulatorTimestamp.string(Date(timeIntervalSince1970: 0.0019)) == "1970-01-01T00:00:00.001Z")
        #expect(EmulatorTimestamp.string(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59.000Z")
        #expect(EmulatorTimestamp.string(Date(timeIntervalSince1970: 4_102_444_799.999)) == "2099-12-31T23:59:59.999Z")
    }

    @Test func clampsDatesOutsideFourDigitYears() {
        #expect(EmulatorTimestamp.string(.distantFuture) == "4001-01-01T00:00:00.000Z")
        #expect(EmulatorTimestamp.string(Date(timeIntervalSince1970: .infinity)) == "9999-12-31T23:59:59.999Z")
        #expect(EmulatorTimestamp.string(Date(timeIntervalSince1970: -.infinity)) == "0001-01-01T00:00:00.000Z")
    }

    @Test func readsWhatItWritesAndPlainSeconds() {
        for seconds in [0.0, 1_767_225_600.123, 951_782_400.5, 1_000_000_000] {
            let text = EmulatorTimestamp.string(Date(timeIntervalSince1970: seconds))
            let back = EmulatorTimestamp.date(text)?.timeIntervalSince1970 ?? -1
            #expect(abs(back - seconds) < 0.001, "\(text)")
        }
        #expect(EmulatorTimestamp.date("2026-01-01T00:00:00Z")?.timeIntervalSince1970 == 1_767_225_600)
    }

    @Test(arguments: [
        "", "2026-01-01", "2026-13-01T00:00:00Z", "2026-01-01T00:00:00+01:00", "2026-01-01T00:00:00.Z",
        "2026-01-01 00:00:00Z", "abcd-01-01T00:00:00Z",
    ])
    func rejectsOtherText(text: String) {
        #expect(EmulatorTimestamp.date(text) == nil)
    }
}
