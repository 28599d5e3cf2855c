/// Qlik's cross-site request forgery key: 16 letters and digits, sent as the `X-Qlik-Xrfkey` header and the identical
/// `Xrfkey` query parameter.
public enum Xrfkey {
    /// The characters a key is made of.
    public static let alphabet: [Character] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    /// The key length the service requires.
    public static let length = 16

    /// A fresh random key, each character uniform over ``alphabet``.
    public static func generate(using random: RandomSource) -> String {
        // One draw uniform below 62^10 gives ten independent uniform base-62 digits: two draws make a key, where
        // one draw per character would cost sixteen system calls.
        let base = UInt64(alphabet.count)
        let digitsPerDraw = 10
        var span: UInt64 = 1
        for _ in 0..<digitsPerDraw { span *= base }
        var key = ""
        key.reserveCapacity(length)
        while key.count < length {
            var value = random.next(below: span)
            for _ in 0..<min(digitsPerDraw, length - key.count) {
                key.append(alphabet[Int(value % base)])
                value /= base
            }
        }
        return key
    }

    /// Whether `key` has the required form.
    public static func isValid(_ key: String) -> Bool {
        key.count == length && key.allSatisfy { alphabet.contains($0) }
    }
}
