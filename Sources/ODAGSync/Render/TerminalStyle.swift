/// ANSI styling for terminal output; every method returns its text unchanged when colours are off,
/// so renderers call it unconditionally and `--no-color` output has no escape codes at all.
struct TerminalStyle: Sendable {
    /// Whether escape codes are written.
    let enabled: Bool

    func green(_ text: String) -> String { wrap(text, "32") }
    func yellow(_ text: String) -> String { wrap(text, "33") }
    func red(_ text: String) -> String { wrap(text, "31") }
    func magenta(_ text: String) -> String { wrap(text, "35") }
    func bold(_ text: String) -> String { wrap(text, "1") }
    func boldRed(_ text: String) -> String { wrap(text, "1;31") }
    func dim(_ text: String) -> String { wrap(text, "2") }

    /// The plan colour of an action: green `+`, yellow `~`, magenta `-/+`, red `-` and `x`.
    func action(_ action: ChangeAction, _ text: String) -> String {
        switch action {
        case .create: return green(text)
        case .update: return yellow(text)
        case .replace: return magenta(text)
        case .delete, .retire: return red(text)
        }
    }

    private func wrap(_ text: String, _ code: String) -> String {
        guard enabled, !text.isEmpty else { return text }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }
}
