#if canImport(Glibc)
    import Glibc
#endif

/// Gives the heap pages a finished phase freed back to the system.
///
/// glibc keeps freed memory for reuse in the arena of the thread that freed it, and a command's phases run on
/// whichever cooperative thread resumes them. So what reading the manifests freed (their bytes, and the parsed
/// objects no declared link keeps) often stays resident, in holes among the declared links, while reading the live
/// links allocates in another arena: 10 to 15 MB of the peak at 10,000 links. `malloc_trim` returns those pages.
/// It is looked up at run time because the Glibc module does not export it; where it is missing this does nothing.
enum FreedMemory {
    private typealias Trim = @convention(c) (Int) -> Int32

    /// Returns the whole pages of free heap memory to the system (about a millisecond).
    static func release() {
        #if canImport(Glibc)
            guard let symbol = dlsym(nil, "malloc_trim") else { return }
            _ = unsafeBitCast(symbol, to: Trim.self)(0)
        #endif
    }
}
