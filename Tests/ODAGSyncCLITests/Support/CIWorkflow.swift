import Foundation

/// The shell a CI file runs, taken out of its YAML by indentation (enough for the files in
/// `examples/ci`, which use plain block style; no YAML library is available or needed).
enum CIWorkflow {
    /// One shell script a CI step (GitHub `run:`) or job (GitLab `script:`) runs.
    struct Script: Sendable, CustomStringConvertible {
        /// The job the script belongs to.
        var job: String
        /// The shell text.
        var text: String

        var description: String { "[\(job)]\n\(text)" }
    }

    static func indentation(_ line: Substring) -> Int { line.prefix { $0 == " " }.count }

    /// The top-level job owning line `index` (a key at indentation 2 under `jobs:` for GitHub,
    /// or at indentation 0 for GitLab).
    static func job(at index: Int, lines: [Substring], jobIndentation: Int) -> String {
        for line in lines[...index].reversed()
        where indentation(line) == jobIndentation && line.hasSuffix(":")
            && !line.trimmingCharacters(in: .whitespaces).hasPrefix("#")
        {
            return line.trimmingCharacters(in: .whitespaces).dropLast().description
        }
        return ""
    }

    /// The lines after `index` indented deeper than `base` (a block scalar's body), de-indented.
    static func block(after index: Int, lines: [Substring], base: Int) -> (text: String, end: Int) {
        var body: [Substring] = []
        var end = index + 1
        while end < lines.count {
            let line = lines[end]
            if !line.trimmingCharacters(in: .whitespaces).isEmpty && indentation(line) <= base { break }
            body.append(line)
            end += 1
        }
        while let last = body.last, last.trimmingCharacters(in: .whitespaces).isEmpty { body.removeLast() }
        let cut = body.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map(indentation).min() ?? 0
        return (body.map { $0.count >= cut ? String($0.dropFirst(cut)) : "" }.joined(separator: "\n"), end)
    }

    /// Every `run:` of a GitHub Actions workflow, one script per step.
    static func githubRuns(_ yaml: String) -> [Script] {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        var scripts: [Script] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            let key = trimmed.hasPrefix("- ") ? String(trimmed.dropFirst(2)) : trimmed
            guard key.hasPrefix("run:") else {
                index += 1
                continue
            }
            let keyColumn = indentation(line) + (trimmed.hasPrefix("- ") ? 2 : 0)
            let value = key.dropFirst("run:".count).trimmingCharacters(in: .whitespaces)
            let job = job(at: index, lines: lines, jobIndentation: 2)
            if value == "|" || value == "|-" {
                let (text, end) = block(after: index, lines: lines, base: keyColumn)
                scripts.append(Script(job: job, text: text))
                index = end
            } else {
                scripts.append(Script(job: job, text: value))
                index += 1
            }
        }
        return scripts
    }

    /// Every job's `script:` of a GitLab CI file, one script per job (its items in order).
    static func gitlabScripts(_ yaml: String) -> [Script] {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        var scripts: [Script] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            guard line.trimmingCharacters(in: .whitespaces) == "script:" else {
                index += 1
                continue
            }
            let base = indentation(line)
            let job = job(at: index, lines: lines, jobIndentation: 0)
            var items: [String] = []
            index += 1
            while index < lines.count {
                let item = lines[index]
                let trimmed = item.trimmingCharacters(in: .whitespaces)
                if !trimmed.isEmpty && indentation(item) <= base { break }
                guard trimmed.hasPrefix("- ") else {
                    index += 1
                    continue
                }
                let value = String(trimmed.dropFirst(2))
                if value == "|" || value == "|-" {
                    let (text, end) = block(after: index, lines: lines, base: indentation(item))
                    items.append(text)
                    index = end
                } else {
                    items.append(value)
                    index += 1
                }
            }
            scripts.append(Script(job: job, text: items.joined(separator: "\n")))
        }
        return scripts
    }
}
