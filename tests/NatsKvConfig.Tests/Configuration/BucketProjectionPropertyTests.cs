using System.Text;
using CsCheck;
using NatsKvConfig.Tests.Mapping;

namespace NatsKvConfig.Tests.Configuration;

/// <summary>
/// Random sequences of puts and deletes, hostile keys and values included, applied in random batches and
/// compared with a reference model written the plain way: per key, the newest accepted entry; per path, the
/// key with the highest revision; JSON read by AddJsonFile itself.
/// </summary>
public class BucketProjectionPropertyTests
{
    // Tokens that collide in case (db, Db, DB; é, É), escapes that are fine, and escapes and characters that are not.
    private static readonly Gen<string> Token = Gen.Frequency(
        (8, Gen.OneOf("db", "Db", "DB", "host", "Host", "a", "A", "0", "1")),
        (2, Gen.OneOf("=2E", "=2e", "=3A", "=", "=C3=A9", "=C3=89", "=F0=9F=98=80")),
        (1, Gen.OneOf("=ZZ", "=C3", "x=4", "=FF=FE", "a b", "", "=C0=AF", "é")));

    private static readonly Gen<string> Key = Token.Array[1, 3].Select(tokens => string.Join('.', tokens));

    // Small JSON whose names collide with each other and with the dotted keys above.
    private static readonly Gen<string> Json = Gen.Recursive<string>((depth, self) => depth >= 3
        ? Gen.OneOf("1", "\"x\"", "null", "[]", "{}")
        : Gen.Frequency(
            (2, Gen.OneOf("1", "\"x\"", "true", "null", "\"\\uD800\"")),
            (1, self.Array[0, 3].Select(items => "[" + string.Join(",", items) + "]")),
            (2, Gen.Select(Gen.OneOf("host", "Host", "a", "0", "a.b", ""), self).Array[0, 3]
                .Select(props => "{" + string.Join(",", props.Select(p => $"\"{p.Item1}\":{p.Item2}")) + "}"))));

    private static readonly Gen<byte[]> Value = Gen.Frequency(
        (4, Gen.OneOf("v", "", "1", "x y", "{oops", " [1,", "é").Select(Encoding.UTF8.GetBytes)),
        (4, Json.Select(Encoding.UTF8.GetBytes)),
        (2, Gen.Byte.Array[0, 12]),
        (1, Gen.OneOf<byte[]>([0xC3, 0x28], [0xED, 0xA0, 0x80], [0xEF, 0xBB, 0xBF, (byte)'{', (byte)'}'], [(byte)'{', 0xFF, (byte)'}'], [0xF4, 0x90, 0x80, 0x80])));

    private static readonly Gen<(string Key, bool IsDelete, byte[] Value)> Entry =
        Gen.Select(Key, Gen.Int[0, 9].Select(n => n == 0), Value);

    // Entries with revisions 1..n, a few swapped with their neighbour (so some arrive older than what a key
    // holds), cut into batches of random sizes.
    private static readonly Gen<List<KvChange[]>> Batches = BatchesOf(Entry);

    private static Gen<List<KvChange[]>> BatchesOf(Gen<(string Key, bool IsDelete, byte[] Value)> entry) =>
        Gen.Select(entry.Array[1, 40], Gen.Int[0, 3].Array[40], Gen.Int[1, 8].Array[40])
            .Select((entries, swaps, sizes) =>
            {
                var changes = entries
                    .Select((e, i) => new KvChange(e.Key, (ulong)i + 1, e.IsDelete, e.IsDelete ? ReadOnlyMemory<byte>.Empty : e.Value, DateTimeOffset.UnixEpoch))
                    .ToArray();
                for (var i = 0; i + 1 < changes.Length; i++)
                {
                    if (swaps[i] == 0)
                    {
                        (changes[i], changes[i + 1]) = (changes[i + 1], changes[i]);
                    }
                }

                var batches = new List<KvChange[]>();
                for (int start = 0, b = 0; start < changes.Length; start += sizes[b++])
                {
                    batches.Add(changes[start..Math.Min(changes.Length, start + sizes[b])]);
                }

                return batches;
            });

    [Fact]
    public void Applying_any_sequence_in_any_batches_matches_the_reference_model_and_warns_once_per_bad_entry()
    {
        Batches.Sample(batches =>
        {
            var projection = new BucketProjection(JsonExpansionLimits.Default);
            var model = new Model();
            var view = ConfigurationView.Empty;
            foreach (var batch in batches)
            {
                var warnings = new List<ProjectionWarning>();
                view = projection.Apply(batch, view, warnings);
                var expected = model.Apply(batch);

                AssertWarnings(expected, warnings);
                AssertState(model, projection, view);
            }
        }, iter: 1_500, print: Print);
    }

    [Fact]
    public void Staging_a_full_state_gives_the_same_configuration_and_warnings_as_applying_it_live()
    {
        Batches.Sample(batches =>
        {
            var live = new BucketProjection(JsonExpansionLimits.Default);
            var liveWarnings = new List<ProjectionWarning>();
            var view = ConfigurationView.Empty;
            foreach (var batch in batches)
            {
                view = live.Apply(batch, view, liveWarnings);
            }

            var staged = new BucketProjection(JsonExpansionLimits.Default);
            var stagedWarnings = new List<ProjectionWarning>();
            foreach (var batch in batches)
            {
                staged.Stage(batch, stagedWarnings);
            }

            Assert.Equal(liveWarnings, stagedWarnings);
            AssertSameValues(Values(view), Values(staged.BuildView()));
            Assert.Equal(live.LiveKeyCount, staged.LiveKeyCount);
        }, iter: 1_000, print: Print);
    }

    [Fact]
    public void Staging_a_full_state_from_the_watch_buffer_gives_the_same_configuration_and_warnings_as_from_a_list()
    {
        // The buffer takes plain entries a short way; everything else (conflicts, escapes, JSON, deletes, stale
        // and repeated keys) must end exactly as the general way ends it.
        BatchesOf(Gen.Frequency((3, Entry), (2, Gen.Select(PlainKey, Gen.Int[0, 9].Select(n => n == 0), Value)))).Sample(batches =>
        {
            var changes = batches.SelectMany(batch => batch).ToList();
            var fromList = new BucketProjection(JsonExpansionLimits.Default);
            var listWarnings = new List<ProjectionWarning>();
            fromList.Stage(changes, listWarnings);

            var buffer = new FullStateBuffer();
            changes.ForEach(change => buffer.Add(change));
            var fromBuffer = new BucketProjection(JsonExpansionLimits.Default);
            var bufferWarnings = new List<ProjectionWarning>();
            fromBuffer.Stage(buffer, bufferWarnings);

            Assert.Equal(listWarnings, bufferWarnings);
            AssertSameValues(Values(fromList.BuildView()), Values(fromBuffer.BuildView()));
            Assert.Equal(fromList.LiveKeyCount, fromBuffer.LiveKeyCount);
            Assert.Equal(fromList.Revision, fromBuffer.Revision);
            Assert.Equal(
                fromList.Export().Select(e => (e.Key, e.Revision)).Order(),
                fromBuffer.Export().Select(e => (e.Key, e.Revision)).Order());
        }, iter: 1_000, print: Print);
    }

    [Fact]
    public void A_published_projection_matches_the_model_through_rebases_prunes_and_values_set_in_process()
    {
        // Long runs over many distinct paths, so that the changes since publishing outgrow the table and are merged
        // into new tables (rebases) several times; the views readers hold must follow every one exactly.
        var rebases = 0;
        var longRun = Gen.Select(
            Gen.Frequency((1, Entry), (4, Gen.Select(PlainKey, Gen.Int[0, 9].Select(n => n == 0), Value).Select(e => (Key: e.Item1, IsDelete: e.Item2, Value: e.Item3)))).Array[150, 400],
            Gen.Int[1, 400],
            Gen.Int[1, 12],
            Gen.Int[0, 450]);
        longRun.Sample((entries, cut, batchSize, firstRevision) =>
        {
            var changes = entries
                .Select((e, i) => new KvChange(e.Key, (ulong)i + 1, e.IsDelete, e.IsDelete ? ReadOnlyMemory<byte>.Empty : e.Value, DateTimeOffset.UnixEpoch))
                .ToArray();
            var model = new Model();
            var projection = new BucketProjection(JsonExpansionLimits.Default);
            var initial = changes.Take(Math.Min(cut, changes.Length)).ToArray();
            projection.Stage(initial, []);
            model.Apply(initial);
            var view = projection.BuildView();
            AssertState(model, projection, view);

            var before = view;
            var beforeValues = Values(before);
            view = view.With([new KeyValuePair<string, string?>("local:only", "mine")], [], local: true);

            // Views published along the way, as readers may hold them: each must keep what it showed when published.
            var held = new List<(ConfigurationView View, Dictionary<string, string?> Values)>();
            foreach (var batch in changes.Skip(initial.Length).Chunk(batchSize))
            {
                view = projection.Apply(batch, view, []);
                model.Apply(batch);
                if (held.Count < 8 && batch[0].Revision % 5 == 0)
                {
                    held.Add((view, Values(view)));
                }
            }

            foreach (var (heldView, values) in held)
            {
                AssertSameValues(values, Values(heldView));
            }

            // A value set in this process stays (no key maps to that path), and an old view never changed.
            Assert.True(view.TryGetValue("local:only", out var local) && local == "mine", "the value set in process was lost");
            view = view.With([], ["local:only"], local: true);
            AssertState(model, projection, view);
            AssertSameValues(beforeValues, Values(before));

            view = projection.Prune((ulong)firstRevision, [], view, out _);
            model.Prune((ulong)firstRevision, []);
            AssertState(model, projection, view);
            Assert.Equal(model.KeyCount, projection.KeyCount);
            rebases += projection.Rebases;
        }, iter: 300);

        Assert.True(rebases > 0, "no run merged its changes into a new table: the property checked nothing of rebasing");
    }

    // Keys of plain characters only, colliding in case, as most keys of a real bucket are.
    private static readonly Gen<string> PlainKey = Gen.OneOf("db", "Db", "host", "a", "A", "0", "a-b", "x_y", "p/q").Array[1, 3].Select(tokens => string.Join('.', tokens));

    [Fact]
    public void Arbitrary_keys_and_arbitrary_bytes_never_make_the_projection_throw_and_still_match_the_model()
    {
        var anyKey = Gen.Frequency((3, Key), (1, Gen.String), (1, Gen.Char["=.aA0 \0\uD800"].Array[0, 12].Select(c => new string(c))));
        var anyEntry = Gen.Select(anyKey, Gen.Int[0, 9].Select(n => n == 0), Gen.Byte.Array[0, 64]);
        BatchesOf(anyEntry).Sample(batches =>
        {
            var projection = new BucketProjection(JsonExpansionLimits.Default);
            var model = new Model();
            var view = ConfigurationView.Empty;
            foreach (var batch in batches)
            {
                var warnings = new List<ProjectionWarning>();
                view = projection.Apply(batch, view, warnings);
                AssertWarnings(model.Apply(batch), warnings);
                AssertState(model, projection, view);
            }
        }, iter: 1_000, print: Print);
    }

    [Fact]
    public void A_snapshot_restores_what_was_applied_and_both_follow_newer_changes_alike()
    {
        Gen.Select(Batches, Gen.Int[0, 40]).Sample((batches, cut) =>
        {
            var changes = batches.SelectMany(b => b).ToList();
            var head = changes.Take(cut).ToList();
            var live = new BucketProjection(JsonExpansionLimits.Default);
            var view = live.Apply(head, ConfigurationView.Empty, []);

            var exported = live.Export();
            Assert.Equal(live.LiveKeyCount, exported.Count);
            Assert.Equal(exported.Count, exported.Select(e => e.Key).Distinct(StringComparer.Ordinal).Count());
            var snapshot = new ConfigurationSnapshot("b", "", JsonExpansionLimits.Default, DateTimeOffset.UnixEpoch, live.Revision, DateTimeOffset.UnixEpoch, exported);
            var restored = BucketProjection.Restore(snapshot);
            var restoredView = restored.BuildView();
            AssertSameValues(Values(view), Values(restoredView));
            Assert.Equal(live.LiveKeyCount, restored.LiveKeyCount);
            Assert.Equal(restored.LiveKeyCount, restored.KeyCount);
            Assert.Equal(
                exported.Select(e => (e.Key, e.Revision, Outputs: string.Join("|", e.Outputs))).OrderBy(e => e.Key, StringComparer.Ordinal),
                restored.Export().Select(e => (e.Key, e.Revision, Outputs: string.Join("|", e.Outputs))).OrderBy(e => e.Key, StringComparer.Ordinal));

            // A watch resumes after the snapshot's revision: only newer entries follow.
            var tail = changes.Skip(cut).Where(c => c.Revision > live.Revision).ToList();
            view = live.Apply(tail, view, []);
            restoredView = restored.Apply(tail, restoredView, []);
            AssertSameValues(Values(view), Values(restoredView));
            Assert.Equal(live.LiveKeyCount, restored.LiveKeyCount);
        }, iter: 1_000);
    }

    [Fact]
    public void Pruning_below_any_revision_sparing_any_keys_matches_the_reference_model()
    {
        Gen.Select(Batches, Gen.Int[0, 42], Key.Array[0, 4]).Sample((batches, first, spared) =>
        {
            var projection = new BucketProjection(JsonExpansionLimits.Default);
            var model = new Model();
            var view = ConfigurationView.Empty;
            foreach (var batch in batches)
            {
                view = projection.Apply(batch, view, []);
                model.Apply(batch);
            }

            var liveBefore = projection.LiveKeyCount;
            view = projection.Prune((ulong)first, spared, view, out var removed);
            model.Prune((ulong)first, spared);
            AssertState(model, projection, view);
            Assert.Equal(liveBefore - model.LiveKeyCount, removed);
            Assert.Equal(model.KeyCount, projection.KeyCount);
        }, iter: 1_000);
    }

    private static void AssertWarnings(List<(ProjectionWarningKind Kind, string Key, ulong Revision)> expected, List<ProjectionWarning> actual)
    {
        // Malformed keys, invalid UTF-8 and invalid JSON: exactly one warning each, for that entry.
        var expectedSkips = expected.Where(w => w.Kind != ProjectionWarningKind.PathConflict).ToList();
        var actualSkips = actual.Where(w => w.Kind != ProjectionWarningKind.PathConflict).Select(w => (w.Kind, w.Key, w.Revision)).ToList();
        Assert.Equal(expectedSkips, actualSkips);

        // Conflicts: one per entry that conflicts, naming that entry's key as the winner or the loser.
        var expectedConflicts = expected.Where(w => w.Kind == ProjectionWarningKind.PathConflict).ToList();
        var actualConflicts = actual.Where(w => w.Kind == ProjectionWarningKind.PathConflict).ToList();
        Assert.Equal(expectedConflicts.Count, actualConflicts.Count);
        for (var i = 0; i < expectedConflicts.Count; i++)
        {
            Assert.Contains(expectedConflicts[i].Key, new[] { actualConflicts[i].Key, actualConflicts[i].OtherKey });
            Assert.InRange(actualConflicts[i].PathCount, 1, int.MaxValue);
        }
    }

    private static void AssertState(Model model, BucketProjection projection, ConfigurationView view)
    {
        var expected = model.Expected();
        AssertSameValues(expected, Values(view));
        Assert.Equal(expected.Count, view.Count);
        Assert.Equal(model.Revision, projection.Revision);
        Assert.Equal(model.LiveKeyCount, projection.LiveKeyCount);

        // The child index, kept up to date batch by batch, agrees with the paths.
        var roots = expected.Keys.Select(p => p.Split(':')[0]).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase);
        Assert.Equal(roots, view.GetChildKeys([], null).Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
    }

    // Paths compare as configuration compares them (which key's spelling a path keeps is not part of the contract).
    private static void AssertSameValues(Dictionary<string, string?> expected, Dictionary<string, string?> actual) =>
        Assert.Equal(
            expected.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase),
            actual.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase),
            PairComparer.Instance);

    private static Dictionary<string, string?> Values(ConfigurationView view) =>
        view.Paths.ToDictionary(p => p, p => view.TryGetValue(p, out var v) ? v : throw new InvalidOperationException(p), StringComparer.OrdinalIgnoreCase);

    private static string Print(List<KvChange[]> batches) =>
        string.Join(" | ", batches.Select(b => string.Join(", ", b.Select(c =>
            $"{c.Revision}:{c.Key}{(c.IsDelete ? " DEL" : "=" + Convert.ToHexString(c.Value.Span))}"))));

    private sealed class PairComparer : IEqualityComparer<KeyValuePair<string, string?>>
    {
        public static readonly PairComparer Instance = new();

        public bool Equals(KeyValuePair<string, string?> x, KeyValuePair<string, string?> y) =>
            string.Equals(x.Key, y.Key, StringComparison.OrdinalIgnoreCase) && string.Equals(x.Value, y.Value, StringComparison.Ordinal);

        public int GetHashCode(KeyValuePair<string, string?> obj) => StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Key);
    }

    /// <summary>The plain way: keys and their outputs in dictionaries, recomputed from scratch when asked.</summary>
    private sealed class Model
    {
        private static readonly UTF8Encoding StrictUtf8 = new(false, true);
        private readonly Dictionary<string, (ulong Revision, Dictionary<string, string?> Outputs)> _keys = new(StringComparer.Ordinal);

        public ulong Revision { get; private set; }

        public int LiveKeyCount => _keys.Values.Count(k => k.Outputs.Count > 0);

        public List<(ProjectionWarningKind Kind, string Key, ulong Revision)> Apply(IEnumerable<KvChange> changes)
        {
            var warnings = new List<(ProjectionWarningKind, string, ulong)>();
            foreach (var change in changes)
            {
                Revision = Math.Max(Revision, change.Revision);
                if (_keys.TryGetValue(change.Key, out var held) && held.Revision >= change.Revision)
                {
                    continue; // older than what the key holds
                }

                if (!NatsKvKeyMapper.TryToPath(change.Key, out var path))
                {
                    warnings.Add((ProjectionWarningKind.MalformedKey, change.Key, change.Revision));
                    continue;
                }

                var outputs = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
                if (!change.IsDelete)
                {
                    string text;
                    try
                    {
                        text = StrictUtf8.GetString(change.Value.Span);
                    }
                    catch (DecoderFallbackException)
                    {
                        warnings.Add((ProjectionWarningKind.InvalidUtf8, change.Key, change.Revision));
                        continue; // the key keeps what it had
                    }

                    var expanded = text.TrimStart() is ['{' or '[', ..] ? JsonReference.Expand(path, text) : null;
                    if (text.TrimStart() is ['{' or '[', ..] && expanded is null)
                    {
                        warnings.Add((ProjectionWarningKind.InvalidJson, change.Key, change.Revision));
                    }

                    outputs = expanded ?? new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase) { [path] = text };
                }

                var others = _keys.Where(k => k.Key != change.Key).SelectMany(k => k.Value.Outputs.Keys).ToHashSet(StringComparer.OrdinalIgnoreCase);
                if (outputs.Keys.Any(others.Contains))
                {
                    warnings.Add((ProjectionWarningKind.PathConflict, change.Key, change.Revision));
                }

                _keys[change.Key] = (change.Revision, outputs);
            }

            return warnings;
        }

        /// <summary>How many keys are tracked, delete markers included: those of well-formed keys with valid values.</summary>
        public int KeyCount => _keys.Count;

        public void Prune(ulong firstRevision, IReadOnlyCollection<string> spared)
        {
            foreach (var key in _keys.Where(k => k.Value.Revision < firstRevision && !spared.Contains(k.Key)).Select(k => k.Key).ToList())
            {
                _keys.Remove(key);
            }
        }

        /// <summary>Every path, valued by the key with the highest revision among those that produce it.</summary>
        public Dictionary<string, string?> Expected() =>
            _keys.Values
                .SelectMany(k => k.Outputs.Select(o => (Path: o.Key, o.Value, k.Revision)))
                .GroupBy(o => o.Path, StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key, g => g.MaxBy(o => o.Revision).Value, StringComparer.OrdinalIgnoreCase);
    }
}
