/// Qlik's cross-site request forgery key: 16 letters and digits, sent as the `X-Qlik-Xrfkey` header and the identical
/// `Xrfkey` query parameter.
public enum Xrfkey {
    /// The characters a key is made of.
    public static let alphabet: [Character] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    /// The key length the service requires.
    public static let length = 16

    /// A fresh random key.
    public static func generate(using random: RandomSource) -> String {
        var key = ""
        key.reserveCapacity(length)
        for _ in 0..<length {
            key.append(alphabet[Int(random.next(below: UInt64(alphabet.count)))])
        }
        return key
    }

    /// Whether `key` has the required form.
    public static func isValid(_ key: String) -> Bool {
        key.count == length && key.allSatisfy { alphabet.contains($0) }
    }
}
