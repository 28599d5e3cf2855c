import Foundation
import ODAGCore

/// `odag-sync completion bash|zsh|fish`: prints a shell completion script.
struct CompletionCommand: Command {
    static let name = "completion"
    static let summary = "Print a shell completion script (bash, zsh or fish)"
    static let usage = "completion bash|zsh|fish"
    static let discussion = """
        Prints a completion script for the shell. Load it from your shell's start-up file, e.g.
          bash: source <(odag-sync completion bash)
          zsh:  source <(odag-sync completion zsh)
          fish: odag-sync completion fish | source
        """
    static let examples = ["odag-sync completion bash > /etc/bash_completion.d/odag-sync"]
    static let options: [OptionSpec] = []

    static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode {
        guard let shell = arguments.positionals.first, arguments.positionals.count == 1 else {
            throw CommandError.usage(UsageError("completion needs one shell: bash, zsh or fish"))
        }
        let commands = CommandLineTool.commands
        let names = commands.map { $0.name }.joined(separator: " ")
        switch shell {
        case "bash":
            var cases = ""
            for command in commands {
                let flags = (command.options.map(\.name) + ["--help"]).joined(separator: " ")
                cases += "        \(command.name)) opts=\"\(flags)\" ;;\n"
            }
            context.console.output(
                """
                _odag_sync() {
                    local cur=${COMP_WORDS[COMP_CWORD]} opts
                    if [ "$COMP_CWORD" -eq 1 ]; then
                        COMPREPLY=($(compgen -W "\(names)" -- "$cur"))
                        return
                    fi
                    case "${COMP_WORDS[1]}" in
                \(cases)        *) opts="" ;;
                    esac
                    if [[ "$cur" == -* ]]; then
                        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
                    else
                        COMPREPLY=($(compgen -f -- "$cur"))
                    fi
                }
                complete -o filenames -F _odag_sync odag-sync

                """)
        case "zsh":
            var cases = ""
            for command in commands {
                let flags = (command.options.map(\.name) + ["--help"]).joined(separator: " ")
                cases +=
                    "    \(command.name)) _arguments '*:file:_files' \(flags.split(separator: " ").map { "'\($0)[]'" }.joined(separator: " ")) ;;\n"
            }
            context.console.output(
                """
                #compdef odag-sync
                _odag_sync() {
                  if (( CURRENT == 2 )); then
                    compadd \(names)
                    return
                  fi
                  case $words[2] in
                \(cases)  esac
                }
                compdef _odag_sync odag-sync

                """)
        case "fish":
            var lines = "complete -c odag-sync -f -n '__fish_use_subcommand' -a '\(names)'\n"
            for command in commands {
                for option in command.options {
                    let flag = option.name.dropFirst(2)
                    let needsValue = option.takesValue ? " -r" : ""
                    let help = option.help.replacingOccurrences(of: "'", with: "")
                    lines +=
                        "complete -c odag-sync -n '__fish_seen_subcommand_from \(command.name)' -l \(flag)\(needsValue) -d '\(help)'\n"
                }
            }
            context.console.output(lines)
        default:
            let hint = Suggestion.closest(to: shell, among: ["bash", "zsh", "fish"]).map { "did you mean \"\($0)\"?" }
            throw CommandError.usage(UsageError("unknown shell \"\(shell)\"; expected bash, zsh or fish", hint: hint))
        }
        return .success
    }
}
