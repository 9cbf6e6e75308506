namespace NatsKvConfig.IntegrationTests.Infrastructure;

/// <summary>Tests that measure the whole process's memory: they run alone, after the parallel ones.</summary>
[CollectionDefinition(nameof(MeasuresProcessMemory), DisableParallelization = true)]
public sealed class MeasuresProcessMemory;
