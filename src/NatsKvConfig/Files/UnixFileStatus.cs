using System.Runtime.InteropServices;

namespace NatsKvConfig;

/// <summary>
/// What <c>lstat</c> and <c>fstat</c> say of a file on Unix: its type, owner, permission bits and size. .NET offers the
/// mode (<see cref="File.GetUnixFileMode(string)"/>) but neither the owner nor the file type, so this asks the
/// runtime's own native shim (<c>libSystem.Native</c>, shipped with every .NET on Linux and macOS), whose
/// <c>FileStatus</c> has begun with these five fields on every .NET since Core 1.0; the rest of it is left unread.
/// Where the shim cannot be reached (a NativeAOT build links it statically), <see cref="IsAvailable"/> is false.
/// </summary>
internal readonly partial struct UnixFileStatus
{
    private const int TypeMask = 0xF000; // S_IFMT
    private const int RegularFile = 0x8000; // S_IFREG
    private const int SymbolicLink = 0xA000; // S_IFLNK
    private const int ErrorNoEntry = 2; // ENOENT on Linux and macOS

    private UnixFileStatus(NativeFileStatus status)
    {
        Mode = (UnixFileMode)(status.Mode & 0xFFF);
        Owner = status.Uid;
        Size = status.Size;
        IsRegularFile = (status.Mode & TypeMask) == RegularFile;
        IsSymbolicLink = (status.Mode & TypeMask) == SymbolicLink;
    }

    /// <summary>The permission bits (and set-id and sticky bits).</summary>
    public UnixFileMode Mode { get; }

    /// <summary>The owner's user id.</summary>
    public uint Owner { get; }

    /// <summary>The size in bytes.</summary>
    public long Size { get; }

    /// <summary>Whether it is a regular file (not a directory, link, device, pipe or socket).</summary>
    public bool IsRegularFile { get; }

    /// <summary>Whether it is a symbolic link (only <c>lstat</c> says so).</summary>
    public bool IsSymbolicLink { get; }

    /// <summary>Whether the runtime's shim answers here; checked once per call site, cheaply.</summary>
    public static bool IsAvailable
    {
        get
        {
            if (OperatingSystem.IsWindows())
            {
                return false;
            }

            try
            {
                _ = NativeMethods.GetEUid();
                return true;
            }
            catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
            {
                return false;
            }
        }
    }

    /// <summary>The effective user id of this process.</summary>
    public static uint EffectiveUser => NativeMethods.GetEUid();

    /// <summary>The status of <paramref name="path"/> itself (a link is not followed); false when there is none.</summary>
    /// <param name="path">The file.</param>
    /// <param name="status">Its status.</param>
    /// <param name="missing">Whether it failed because nothing is there.</param>
    public static bool TryGetOfPath(string path, out UnixFileStatus status, out bool missing)
    {
        if (NativeMethods.LStat(path, out var native) != 0)
        {
            missing = Marshal.GetLastPInvokeError() == ErrorNoEntry;
            status = default;
            return false;
        }

        missing = false;
        status = new UnixFileStatus(native);
        return true;
    }

    /// <summary>The status of the file <paramref name="handle"/> has open.</summary>
    public static bool TryGetOfHandle(SafeHandle handle, out UnixFileStatus status)
    {
        if (NativeMethods.FStat(handle, out var native) != 0)
        {
            status = default;
            return false;
        }

        status = new UnixFileStatus(native);
        return true;
    }

    /// <summary>The shim's <c>FileStatus</c>: the fields read, then room for the ones it adds after them.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct NativeFileStatus
    {
        public int Flags;
        public int Mode;
        public uint Uid;
        public uint Gid;
        public long Size;
        public Reserved Rest;
    }

    [System.Runtime.CompilerServices.InlineArray(64)]
    private struct Reserved
    {
        private long _element;
    }

    private static partial class NativeMethods
    {
        private const string Library = "libSystem.Native";

        [LibraryImport(Library, EntryPoint = "SystemNative_LStat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        public static partial int LStat(string path, out NativeFileStatus status);

        [LibraryImport(Library, EntryPoint = "SystemNative_FStat", SetLastError = true)]
        public static partial int FStat(SafeHandle handle, out NativeFileStatus status);

        [LibraryImport(Library, EntryPoint = "SystemNative_GetEUid")]
        public static partial uint GetEUid();
    }
}
