using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace NatsKvConfig;

/// <summary>
/// The one way files that hold configuration values (the snapshot, the CLI's exports) are written and read: on
/// Unix readable by the owner only, written atomically, and read only when nobody else can have written them.
/// </summary>
/// <remarks>
/// <para><b>Writing.</b> A temporary file with a random name in the target's directory is created exclusively
/// (<c>O_EXCL</c>, so nothing already there, a planted symbolic link included, is ever opened) with mode 0600
/// before any byte is written, flushed to disk, and renamed over the target. A rename replaces the target's own
/// directory entry: a target that is a symbolic link is replaced by the file, never followed, and a target
/// that was 0600 stays 0600. A directory created on the way is created 0700.</para>
/// <para><b>Reading.</b> Only a regular file (not a symbolic link, device, pipe or socket) owned by the process's
/// effective user, with no permission bits for group or others, and no larger than a cap; read with a bounded
/// loop, so a file that grows while read is refused rather than read without end. On Windows the owner and
/// mode are not checked (the folder's ACL decides); links and the cap are.</para>
/// </remarks>
internal static class PrivateFile
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode GroupOrOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>
    /// Writes <paramref name="path"/> through <paramref name="write"/>, replacing any earlier file (or link) at once:
    /// a reader sees the old content or the new, never half of it.
    /// </summary>
    /// <param name="path">The file to write.</param>
    /// <param name="write">Writes the content to the stream it is given (the temporary file).</param>
    public static void Write(string path, Action<Stream> write)
    {
        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath)!;
        CreateDirectory(directory);

        var temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{RandomSuffix()}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = OwnerReadWrite;
            }

            using (var stream = new FileStream(temporary, options))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>
    /// Reads <paramref name="path"/> whole if it may be trusted (see the remarks); otherwise returns
    /// <see langword="false"/> with the reason, which names no content.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="maxBytes">The largest file accepted.</param>
    /// <param name="bytes">Its content.</param>
    /// <param name="missing">Whether it failed because there is no file.</param>
    /// <param name="reason">Why it was refused.</param>
    public static bool TryRead(string path, long maxBytes, [NotNullWhen(true)] out byte[]? bytes, out bool missing, out string reason)
    {
        bytes = null;
        missing = false;
        try
        {
            var checkedStatus = UnixFileStatus.IsAvailable;
            if (checkedStatus)
            {
                // Before opening: opening a pipe would wait for a writer, and opening a link would follow it.
                if (!UnixFileStatus.TryGetOfPath(path, out var status, out missing))
                {
                    reason = missing ? "there is no file" : "its status cannot be read";
                    return false;
                }

                if (Refuse(status, maxBytes) is { } refusal)
                {
                    reason = refusal;
                    return false;
                }
            }
            else if (new FileInfo(path) is var info && !info.Exists)
            {
                missing = true;
                reason = "there is no file";
                return false;
            }
            else if (info.LinkTarget is not null)
            {
                reason = "it is a symbolic link";
                return false;
            }
            else if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & GroupOrOthers) != 0)
            {
                reason = ModeRefusal(File.GetUnixFileMode(path));
                return false;
            }

            using var stream = new FileStream(path, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.Read });
            long expected;
            if (checkedStatus)
            {
                // What was opened, checked again: the path may have been swapped in between.
                if (!UnixFileStatus.TryGetOfHandle(stream.SafeFileHandle, out var opened))
                {
                    reason = "its status cannot be read";
                    return false;
                }

                if (Refuse(opened, maxBytes) is { } changed)
                {
                    reason = changed;
                    return false;
                }

                expected = opened.Size;
            }
            else
            {
                expected = stream.CanSeek ? stream.Length : 0;
                if (expected > maxBytes)
                {
                    reason = SizeRefusal(expected, maxBytes);
                    return false;
                }
            }

            return TryReadBounded(stream, expected, maxBytes, out bytes, out reason);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            missing = exception is FileNotFoundException or DirectoryNotFoundException;
            reason = missing ? "there is no file" : $"it cannot be read ({exception.GetType().Name})";
            return false;
        }
    }

    // At most maxBytes + 1 bytes are ever read: one more than allowed says it is too large, whatever it claims.
    // The buffer is the size the file claims, so a file that keeps it is returned as read, not copied once more.
    internal static bool TryReadBounded(Stream stream, long expected, long maxBytes, out byte[]? bytes, out string reason)
    {
        // Not zeroed first: every byte returned is one read, and the zeroing would be a pass over fresh pages.
        var buffer = GC.AllocateUninitializedArray<byte>((int)Math.Min(Math.Max(expected, 0), Math.Min(maxBytes + 1, Array.MaxLength)));
        var used = 0;
        Span<byte> next = stackalloc byte[1];
        while (true)
        {
            if (used == buffer.Length)
            {
                // Full: the end of the file, unless one more byte comes (a file that grew, or claimed no size).
                if (stream.Read(next) == 0)
                {
                    break;
                }

                if (used + 1 > maxBytes)
                {
                    bytes = null;
                    reason = SizeRefusal(used + 1, maxBytes);
                    return false;
                }

                Array.Resize(ref buffer, (int)Math.Min(Math.Min(Math.Max((long)buffer.Length * 2, 4096), maxBytes + 1), Array.MaxLength));
                buffer[used++] = next[0];
                continue;
            }

            var read = stream.Read(buffer, used, buffer.Length - used);
            if (read == 0)
            {
                break;
            }

            used += read;
        }

        if (used > maxBytes)
        {
            bytes = null;
            reason = SizeRefusal(used, maxBytes);
            return false;
        }

        bytes = used == buffer.Length ? buffer : buffer[..used];
        reason = string.Empty;
        return true;
    }

    // Every folder created on the way is 0700 (Directory.CreateDirectory with a mode gives it to the last one only);
    // folders that exist are left as they are.
    private static void CreateDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }

        var missing = new Stack<string>();
        for (var current = directory; current is not null && !Directory.Exists(current); current = Path.GetDirectoryName(current))
        {
            missing.Push(current);
        }

        while (missing.TryPop(out var next))
        {
            Directory.CreateDirectory(next, OwnerOnlyDirectory);
        }
    }

    private static string? Refuse(in UnixFileStatus status, long maxBytes)
    {
        if (status.IsSymbolicLink)
        {
            return "it is a symbolic link";
        }

        if (!status.IsRegularFile)
        {
            return "it is not a regular file";
        }

        if (status.Owner != UnixFileStatus.EffectiveUser)
        {
            return $"it is owned by user id {status.Owner}, not by this process's user ({UnixFileStatus.EffectiveUser})";
        }

        if ((status.Mode & GroupOrOthers) != 0)
        {
            return ModeRefusal(status.Mode);
        }

        return status.Size > maxBytes ? SizeRefusal(status.Size, maxBytes) : null;
    }

    private static string ModeRefusal(UnixFileMode mode) =>
        $"its mode {Convert.ToString((int)mode & 0x1FF, 8)} lets group or others read or write it (0600 or stricter is required)";

    private static string SizeRefusal(long size, long maxBytes) =>
        $"it is larger than the {maxBytes} bytes allowed ({size} bytes or more)";

    private static string RandomSuffix() => Convert.ToHexString(RandomNumberGenerator.GetBytes(12));

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // A stray temporary file is harmless: the next write uses another name.
        }
    }
}
