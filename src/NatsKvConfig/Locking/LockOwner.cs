using System.Security.Cryptography;
using System.Text.Json;

namespace NatsKvConfig;

/// <summary>
/// The value a lock entry holds: a random owner id unique to one acquisition, plus the host and process for
/// people inspecting the bucket (<c>nats kv get</c>). The lock compares whole values to recognise its own
/// entry after a write whose reply was lost; it never parses another owner's value.
/// </summary>
internal static class LockOwner
{
    public static byte[] NewValue()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("owner", Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));
            writer.WriteString("host", Environment.MachineName);
            writer.WriteNumber("pid", Environment.ProcessId);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
