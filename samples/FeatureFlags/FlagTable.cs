using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.FeatureFilters;
using NatsKvConfig;

namespace FeatureFlags;

/// <summary>What both flag styles answer for a few users, side by side.</summary>
internal sealed class FlagTable(IFeatureFlags flags, IFeatureManager features)
{
    public static readonly string?[] Users = ["admin", "alice", "bob", "carol", "dave", "erin", null];

    /// <summary>For each user: <c>IFeatureFlags.IsEnabled("new_checkout", user)</c> and <c>IFeatureManager.IsEnabledAsync("Beta", user)</c>.</summary>
    public async Task<List<(string? User, bool NewCheckout, bool Beta)>> ReadAsync()
    {
        var rows = new List<(string?, bool, bool)>();
        foreach (var user in Users)
        {
            var newCheckout = flags.IsEnabled("new_checkout", user);
            var beta = await features.IsEnabledAsync("Beta", new TargetingContext { UserId = user });
            rows.Add((user, newCheckout, beta));
        }

        return rows;
    }

    public async Task PrintAsync(string title)
    {
        Console.WriteLine();
        Console.WriteLine(title);
        Console.WriteLine($"  {"user",-10} {"new_checkout (IFeatureFlags)",-30} {"Beta (IFeatureManager)",-24}");
        foreach (var (user, newCheckout, beta) in await ReadAsync())
        {
            Console.WriteLine($"  {user ?? "(none)",-10} {OnOff(newCheckout),-30} {OnOff(beta),-24}");
        }
    }

    private static string OnOff(bool on) => on ? "on" : "off";
}
