using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;

namespace NatsKvConfig.Tests.Snapshots;

/// <summary>
/// Snapshot files as earlier versions of NatsKvConfig wrote them, written from the layouts those versions used
/// (not by today's writer), for the tests that check they are still read.
/// </summary>
internal static class EarlierSnapshotFormats
{
    /// <summary>Version 1: every string as its length in UTF-16 code units (-1 for null), then the units.</summary>
    public static byte[] WriteVersion1(ConfigurationSnapshot snapshot) => Write(snapshot, version: 1, (body, value) =>
    {
        body.AddRange(BitConverter.GetBytes(value?.Length ?? -1));
        body.AddRange(MemoryMarshal.AsBytes(value.AsSpan()).ToArray());
    });

    /// <summary>
    /// Version 3: every string as its length in bytes shifted left by one (-1 for null), the low bit set for UTF-16
    /// code units, clear for UTF-8; the JSON expansion limits in the header; every entry with its key, plain or not.
    /// </summary>
    public static byte[] WriteVersion3(ConfigurationSnapshot snapshot) => Write(snapshot, version: 3, (body, value) =>
    {
        if (value is null)
        {
            body.AddRange(BitConverter.GetBytes(-1));
            return;
        }

        try
        {
            var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetBytes(value);
            body.AddRange(BitConverter.GetBytes(utf8.Length << 1));
            body.AddRange(utf8);
        }
        catch (EncoderFallbackException)
        {
            var units = MemoryMarshal.AsBytes(value.AsSpan()).ToArray();
            body.AddRange(BitConverter.GetBytes((units.Length << 1) | 1));
            body.AddRange(units);
        }
    });

    /// <summary>Appends junk after the last entry and seals the file with a checksum that holds for it.</summary>
    public static byte[] WithDataAfterTheEntries(byte[] file)
    {
        byte[] body = [.. file.AsSpan(0, file.Length - sizeof(ulong)), 0, 0, 0, 0];
        return Sealed(body);
    }

    /// <summary>The body (all but the checksum) of a file, sealed with a checksum that holds for it.</summary>
    public static byte[] Sealed(byte[] body)
    {
        var checksum = new byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64LittleEndian(checksum, XxHash64.HashToUInt64(body));
        return [.. body, .. checksum];
    }

    private static byte[] Write(ConfigurationSnapshot snapshot, int version, Action<List<byte>, string?> text)
    {
        var body = new List<byte>();
        void Int32(int value) => body.AddRange(BitConverter.GetBytes(value));
        void Int64(long value) => body.AddRange(BitConverter.GetBytes(value));
        void Text(string? value) => text(body, value);

        body.AddRange(Encoding.ASCII.GetBytes("NKVCSNAP"));
        Int32(version);
        Text(snapshot.Bucket);
        Text(snapshot.KeyPrefix);
        Int32(snapshot.JsonExpansion is null ? 0 : 1);
        if (snapshot.JsonExpansion is { } limits)
        {
            Int32(limits.MaxPaths);
            Int32(limits.MaxPathLength);
            Int32(limits.MaxTotalLength);
            Int32(limits.MaxExpansionRatio);
        }

        Int64(snapshot.StreamCreated.UtcTicks);
        Int64((long)snapshot.Revision);
        Int64(snapshot.WrittenAt.UtcTicks);
        Int32(snapshot.Entries.Count);
        foreach (var entry in snapshot.Entries)
        {
            Text(entry.Key);
            Int64((long)entry.Revision);
            Int32(entry.Outputs.Length);
            foreach (var (outputPath, value) in entry.Outputs)
            {
                Text(outputPath);
                Text(value);
            }
        }

        return Sealed([.. body]);
    }
}
