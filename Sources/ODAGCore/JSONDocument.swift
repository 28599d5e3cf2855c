import Synchronization

/// A parsed JSON text with the position of every value and object key, addressed by JSON path.
///
/// Paths are written as in messages: `links[3].templateAppId`; the root is the empty path.
public struct JSONDocument: Sendable {
    /// How many levels of containers have their positions recorded while parsing; deeper positions are
    /// found by parsing again when first asked for.
    static let eagerPositionDepth = 3

    /// The parsed value.
    public var value: JSONValue
    private let lines: LazyLineTable
    private let valueOffsets: [String: Int]
    private let keyOffsets: [String: Int]
    /// Every position, once a path deeper than the recorded ones has been asked for.
    private let deeper: DeeperPositions?

    init(
        value: JSONValue, source: [UInt8], options: JSONParser.Options, complete: Bool, valueOffsets: [String: Int],
        keyOffsets: [String: Int]
    ) {
        self.value = value
        self.lines = LazyLineTable(source: source)
        self.valueOffsets = valueOffsets
        self.keyOffsets = keyOffsets
        self.deeper = complete ? nil : DeeperPositions(source: source, options: options)
    }

    /// The offsets recorded while parsing.
    var recordedOffsets: (values: [String: Int], keys: [String: Int]) { (valueOffsets, keyOffsets) }

    /// Where the value at `path` starts.
    public func location(of path: String) -> SourceLocation? {
        (valueOffsets[path] ?? deeper?.offsets.values[path]).map { lines.location(ofOffset: $0) }
    }

    /// Where the key of the member at `path` starts (for errors about the key itself).
    public func keyLocation(of path: String) -> SourceLocation? {
        (keyOffsets[path] ?? deeper?.offsets.keys[path]).map { lines.location(ofOffset: $0) }
    }
}

/// The positions of every path of a document, found by parsing it again on first use and kept.
final class DeeperPositions: Sendable {
    private let source: [UInt8]
    private let options: JSONParser.Options
    private let cache = Mutex<(values: [String: Int], keys: [String: Int])?>(nil)

    init(source: [UInt8], options: JSONParser.Options) {
        self.source = source
        self.options = options
    }

    var offsets: (values: [String: Int], keys: [String: Int]) {
        cache.withLock { cached in
            if let cached { return cached }
            let found = JSONParser.allPositions(source, options: options)
            cached = found
            return found
        }
    }
}

/// A ``LineTable`` made the first time a position is asked for: a document that is never asked for one (a valid
/// file) pays nothing for its lines.
final class LazyLineTable: Sendable {
    private let source: [UInt8]
    private let table = Mutex<LineTable?>(nil)

    init(source: [UInt8]) {
        self.source = source
    }

    func location(ofOffset offset: Int) -> SourceLocation {
        table.withLock { table in
            if let table { return table.location(ofOffset: offset) }
            let made = LineTable(source: source)
            table = made
            return made.location(ofOffset: offset)
        }
    }
}

/// A 1-based line and column (in Unicode scalars) in a source text.
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The line, from 1.
    public var line: Int
    /// The column, from 1, counted in Unicode scalars.
    public var column: Int

    /// Creates a location.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }
}

/// Maps byte offsets to lines and columns, built once per source.
///
/// A column counts Unicode scalars from the start of its line, which a one-line (minified) file makes long: every
/// ``checkpointSpacing`` bytes the table keeps how many scalars its line has before that point, so a lookup counts
/// at most that many bytes instead of the whole line up to the offset.
struct LineTable: Sendable {
    static let checkpointSpacing = 1024
    private let source: [UInt8]
    private let lineStarts: [Int]
    /// For each multiple `k` of the spacing: the scalars between the start of the line holding byte `k` and `k`.
    private let scalarsBeforeCheckpoint: [Int]

    init(source: [UInt8]) {
        self.source = source
        var starts = [0]
        var checkpoints: [Int] = []
        checkpoints.reserveCapacity(source.count / Self.checkpointSpacing + 1)
        var scalars = 0
        source.withUnsafeBufferPointer { bytes in
            for offset in 0..<bytes.count {
                if offset % Self.checkpointSpacing == 0 { checkpoints.append(scalars) }
                let byte = bytes[offset]
                if byte == 0x0A {
                    starts.append(offset + 1)
                    scalars = 0
                } else if byte & 0xC0 != 0x80 {
                    scalars += 1
                }
            }
        }
        self.lineStarts = starts
        self.scalarsBeforeCheckpoint = checkpoints
    }

    func location(ofOffset offset: Int) -> SourceLocation {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        let start = lineStarts[low]
        let end = min(offset, source.count)
        // Start counting at the last checkpoint inside this line, if there is one before the offset.
        var k = start
        var column = 1
        let checkpoint = end / Self.checkpointSpacing
        let checkpointOffset = checkpoint * Self.checkpointSpacing
        if checkpointOffset > start, checkpoint < scalarsBeforeCheckpoint.count {
            k = checkpointOffset
            column = 1 + scalarsBeforeCheckpoint[checkpoint]
        }
        while k < end {
            // Count scalars, not bytes: continuation bytes do not start a column.
            if source[k] & 0xC0 != 0x80 { column += 1 }
            k += 1
        }
        if start == 0, source.count >= 3, source[0] == 0xEF, source[1] == 0xBB, source[2] == 0xBF, offset >= 3 {
            column -= 1
        }
        return SourceLocation(line: low + 1, column: column)
    }
}

/// Builds and reads the JSON paths used in messages and in `ignore` lists.
public enum JSONPath {
    /// `path` followed by the member `key` (`a.b`, or `a["odd key"]` when the key is not a plain name).
    public static func appending(key: String, to path: String) -> String {
        if isPlainName(key) { return path.isEmpty ? key : path + "." + key }
        return path + "[" + JSONWriter.string(.string(key)) + "]"
    }

    /// `path` followed by the array index `index` (`a[3]`).
    public static func appending(index: Int, to path: String) -> String {
        path + "[" + String(index) + "]"
    }

    /// How a path reads in a message: the root is shown as `(root)`.
    public static func display(_ path: String) -> String {
        path.isEmpty ? "(root)" : path
    }

    static func isPlainName(_ key: String) -> Bool {
        guard let first = key.utf8.first, !(first >= 0x30 && first <= 0x39) else { return false }
        return key.utf8.allSatisfy { byte in
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "$")
        }
    }
}
