using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace NatsKvConfig;

/// <summary>
/// <see cref="IFeatureFlags"/> over one section of the app's <see cref="IConfiguration"/>: it reads configuration,
/// never NATS, so the provider's one watch serves every flag.
/// </summary>
/// <remarks>
/// The section is read into an immutable <see cref="FlagSet"/> on the first call after each configuration reload
/// (the reload token says when), and swapped in at once; between reloads <see cref="IsEnabled"/> is a dictionary
/// lookup and at most one hash over a stack buffer, with no allocation and no lock.
/// </remarks>
internal sealed class NatsKvFeatureFlags : IFeatureFlags
{
    /// <summary>How many distinct unknown flag names are warned about before the warnings stop (they come from callers).</summary>
    internal const int MaxUnknownWarnings = 256;

    private readonly IConfiguration _configuration;
    private readonly string _sectionPath;
    private readonly ILogger _logger;
    private readonly object _rebuildLock = new();
    private readonly ConcurrentDictionary<string, byte> _warnedUnknown = new(StringComparer.OrdinalIgnoreCase);
    private FlagSet _flags = FlagSet.Unread;
    private int _unknownWarningCount;
    private int _unknownWarningsStopped;

    public NatsKvFeatureFlags(IConfiguration configuration, string sectionPath, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrWhiteSpace(sectionPath);
        ArgumentNullException.ThrowIfNull(logger);
        _configuration = configuration;
        _sectionPath = sectionPath;
        _logger = logger;
    }

    public bool IsEnabled(string feature, string? userId = null)
    {
        ArgumentNullException.ThrowIfNull(feature);
        var flags = Volatile.Read(ref _flags);
        if (flags.Token.HasChanged)
        {
            flags = Reread();
        }

        if (flags.ByName.TryGetValue(feature, out var flag))
        {
            return flag.IsEnabledFor(userId);
        }

        WarnUnknown(feature);
        return false;
    }

    /// <summary>Reads the section again unless another thread just did; logs each newly malformed flag once.</summary>
    private FlagSet Reread()
    {
        lock (_rebuildLock)
        {
            var current = _flags;
            if (!current.Token.HasChanged)
            {
                return current;
            }

            // Take the token before reading: a reload during the read then makes the next call read again.
            var token = _configuration.GetReloadToken();
            var byName = new Dictionary<string, FeatureFlag>(StringComparer.OrdinalIgnoreCase);
            var malformed = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var section in _configuration.GetSection(_sectionPath).GetChildren())
            {
                var flag = FeatureFlagReader.Read(section);
                byName[section.Key] = flag;
                if (flag.Problem != FeatureFlagProblem.None)
                {
                    // Remember what was malformed, so the same bad value is not reported again after unrelated reloads.
                    var signature = Signature(section);
                    malformed[section.Key] = signature;
                    if (!current.Malformed.TryGetValue(section.Key, out var before) || before != signature)
                    {
                        Log.FeatureFlagMalformed(_logger, section.Key, _sectionPath, FeatureFlagProblems.Describe(flag.Problem));
                    }
                }
            }

            Log.FeatureFlagsRead(_logger, _sectionPath, byName.Count, malformed.Count);
            var next = new FlagSet(token, byName.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase), malformed);
            Volatile.Write(ref _flags, next);
            return next;
        }
    }

    private void WarnUnknown(string feature)
    {
        if (_warnedUnknown.ContainsKey(feature))
        {
            return;
        }

        if (Volatile.Read(ref _unknownWarningCount) >= MaxUnknownWarnings)
        {
            if (Interlocked.Exchange(ref _unknownWarningsStopped, 1) == 0)
            {
                Log.FeatureFlagUnknownWarningsStopped(_logger, _sectionPath, MaxUnknownWarnings);
            }

            return;
        }

        if (_warnedUnknown.TryAdd(feature, 0))
        {
            Interlocked.Increment(ref _unknownWarningCount);
            Log.FeatureFlagUnknown(_logger, feature, _sectionPath);
        }
    }

    /// <summary>Every path and value under the flag, to tell one malformed value from another (kept in memory, never logged).</summary>
    private static string Signature(IConfigurationSection section)
    {
        var text = new StringBuilder();
        foreach (var (path, value) in section.AsEnumerable().OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            text.Append(path).Append('\0').Append(value ?? "\u0001null").Append('\0');
        }

        return text.ToString();
    }

    /// <summary>The flags of one configuration reload, and the malformed ones' signatures.</summary>
    private sealed class FlagSet(IChangeToken token, FrozenDictionary<string, FeatureFlag> byName, Dictionary<string, string> malformed)
    {
        /// <summary>Before the first read: a token that has already changed, so the first call reads.</summary>
        public static readonly FlagSet Unread = new(
            new CancellationChangeToken(new CancellationToken(canceled: true)),
            FrozenDictionary<string, FeatureFlag>.Empty,
            new Dictionary<string, string>());

        public IChangeToken Token { get; } = token;

        public FrozenDictionary<string, FeatureFlag> ByName { get; } = byName;

        public Dictionary<string, string> Malformed { get; } = malformed; // never changed once built
    }
}
