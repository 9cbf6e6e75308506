using System.ComponentModel.DataAnnotations;

namespace NatsKvConfig.Tests.Options;

/// <summary>Options with a property of each kind a pushed value can fail to convert into.</summary>
public sealed class TypedOptions
{
    [Range(1, 65535)]
    public int Port { get; set; } = 1;

    public TimeSpan Timeout { get; set; }

    public TypedMode Mode { get; set; }

    public TypedLimits Limits { get; set; } = new();

    public List<int> Ports { get; set; } = [];

    public string Name { get; set; } = "";
}

public sealed class TypedLimits
{
    [Range(0, 1000)]
    public int Max { get; set; }
}

public enum TypedMode
{
    Steady,
    Bursty,
}
