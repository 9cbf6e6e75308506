using Spectre.Console;
namespace NatsKvConfig.Cli.Output;

/// <summary>How <c>import</c>, <c>diff</c>, <c>rollback</c> and <c>restore</c> report their changes.</summary>
internal static class PlanOutput
{
    public static int Report(CliSession session, NatsKvConfigPlan plan, bool dryRun, NatsKvConfigApplyResult? result)
    {
        if (session.Json)
        {
            JsonOutput.Write(session.Console.Output, writer => JsonOutput.Plan(writer, plan, dryRun, result?.LastRevision));
            return ExitCodes.Success;
        }

        CollisionWarnings.Report(session, plan.Collisions);
        HumanOutput.Plan(session.Out, plan);
        var summary = HumanOutput.Summary(plan);
        session.Out.WriteLine(dryRun
            ? $"dry run: {summary}; nothing written"
            : plan.IsEmpty ? $"nothing to change ({plan.Unchanged} unchanged)" : $"{summary}; now at revision {result!.LastRevision}");
        return ExitCodes.Success;
    }
}
