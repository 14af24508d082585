#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A parent may hand over standard input or output in non-blocking mode (a shared descriptor
/// it set `O_NONBLOCK` on). A read or write then fails with `EAGAIN`, which means "not now":
/// the reader and the writer wait here for the descriptor instead of taking it for the end of
/// input or spinning.
enum Readiness {
    static func waitUntilReadable(_ fd: Int32) {
        wait(fd, events: Int16(POLLIN))
    }

    static func waitUntilWritable(_ fd: Int32) {
        wait(fd, events: Int16(POLLOUT))
    }

    private static func wait(_ fd: Int32, events: Int16) {
        var entry = pollfd(fd: fd, events: events, revents: 0)
        while poll(&entry, 1, -1) < 0 && errno == EINTR {}
    }
}
