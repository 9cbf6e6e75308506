using System.Text;

namespace NatsKvConfig.Tests.Configuration;

public class BucketProjectionTests
{
    private readonly BucketProjection _projection = new(JsonExpansionLimits.Default);
    private readonly List<ProjectionWarning> _warnings = [];
    private ConfigurationView _view = ConfigurationView.Empty;

    private static KvChange Put(string key, ulong revision, string value) =>
        new(key, revision, false, Encoding.UTF8.GetBytes(value), DateTimeOffset.UnixEpoch);

    private static KvChange Delete(string key, ulong revision) =>
        new(key, revision, true, ReadOnlyMemory<byte>.Empty, DateTimeOffset.UnixEpoch);

    private void Apply(params KvChange[] changes) => _view = _projection.Apply(changes, _view, _warnings);

    private Dictionary<string, string?> Values() =>
        _view.Paths.ToDictionary(p => p, p => _view.TryGetValue(p, out var v) ? v : throw new InvalidOperationException(p), StringComparer.OrdinalIgnoreCase);

    [Fact]
    public void Dotted_keys_become_configuration_paths()
    {
        Apply(Put("database.host", 1, "db1"), Put("servers.0", 2, "a"));

        Assert.True(_view.TryGetValue("database:host", out var host));
        Assert.Equal("db1", host);
        Assert.True(_view.TryGetValue("SERVERS:0", out var server));
        Assert.Equal("a", server);
        Assert.Equal(2UL, _projection.Revision);
    }

    [Fact]
    public void A_published_path_is_listed_as_its_newest_owner_spells_it_however_often_that_changed()
    {
        // Keys that differ only in case map to one path; the newest wins, and readers see its spelling.
        _view = _projection.Replace([Put("Db.Host", 1, "a")], _warnings);
        Apply(Put("db.host", 2, "b"));
        Apply(Put("DB.HOST", 3, "c"));

        Assert.Equal(["DB:HOST"], _view.Paths);
        Assert.Equal(["DB"], _view.GetChildKeys([], null));
        Assert.True(_view.TryGetValue("db:host", out var value) && value == "c");
    }

    [Fact]
    public void An_empty_value_is_an_empty_string_not_a_delete()
    {
        Apply(Put("a", 1, ""));

        Assert.True(_view.TryGetValue("a", out var value));
        Assert.Equal("", value);
    }

    [Fact]
    public void A_later_put_replaces_all_children_of_a_json_value_and_a_delete_removes_them()
    {
        Apply(Put("features.new_ui", 1, """{"enabled":true,"allowed_users":["a","b","c"]}"""));
        Assert.Equal(4, _view.Count);

        Apply(Put("features.new_ui", 2, """{"enabled":false,"allowed_users":["a"]}"""));
        Assert.Equal(
            new Dictionary<string, string?> { ["features:new_ui:enabled"] = "False", ["features:new_ui:allowed_users:0"] = "a" },
            Values());

        Apply(Delete("features.new_ui", 3));
        Assert.Equal(0, _view.Count);
    }

    [Fact]
    public void An_older_revision_of_a_key_never_replaces_a_newer_one()
    {
        Apply(Put("a", 5, "new"));
        Apply(Put("a", 3, "old"));
        Apply(Delete("a", 4));

        Assert.True(_view.TryGetValue("a", out var value));
        Assert.Equal("new", value);
    }

    [Fact]
    public void A_deleted_key_is_not_brought_back_by_an_older_put()
    {
        Apply(Delete("a", 5));
        Apply(Put("a", 4, "old"));

        Assert.False(_view.TryGetValue("a", out _));
    }

    [Fact]
    public void Keys_that_differ_only_in_case_resolve_to_the_higher_revision_and_the_warning_names_both()
    {
        Apply(Put("Database.Host", 1, "first"), Put("database.host", 2, "second"));

        Assert.True(_view.TryGetValue("database:host", out var value));
        Assert.Equal("second", value);
        var warning = Assert.Single(_warnings, w => w.Kind == ProjectionWarningKind.PathConflict);
        Assert.Equal("database.host", warning.Key);
        Assert.Equal("Database.Host", warning.OtherKey);
        Assert.DoesNotContain("first", warning.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("second", warning.ToString(), StringComparison.Ordinal);

        // The older key updated becomes the newest and wins; deleting it falls back to the other.
        Apply(Put("Database.Host", 3, "third"));
        Assert.True(_view.TryGetValue("database:host", out value));
        Assert.Equal("third", value);

        Apply(Delete("Database.Host", 4));
        Assert.True(_view.TryGetValue("database:host", out value));
        Assert.Equal("second", value);
    }

    [Fact]
    public void A_dotted_key_and_a_json_child_of_the_same_path_resolve_to_the_higher_revision()
    {
        Apply(Put("db", 1, """{"host":"from-json"}"""), Put("db.host", 2, "from-key"));
        Assert.True(_view.TryGetValue("db:host", out var value));
        Assert.Equal("from-key", value);

        Apply(Delete("db.host", 3));
        Assert.True(_view.TryGetValue("db:host", out value));
        Assert.Equal("from-json", value);
    }

    [Fact]
    public void A_malformed_key_is_skipped_with_a_warning_and_the_rest_of_the_batch_applies()
    {
        Apply(Put("bad.=ZZ", 1, "x"), Put("good", 2, "y"));

        Assert.Equal(new Dictionary<string, string?> { ["good"] = "y" }, Values());
        var warning = Assert.Single(_warnings);
        Assert.Equal(ProjectionWarningKind.MalformedKey, warning.Kind);
        Assert.Equal("bad.=ZZ", warning.Key);
    }

    [Fact]
    public void A_value_that_is_not_utf8_is_skipped_and_the_key_keeps_its_last_good_value()
    {
        Apply(Put("a", 1, "good"));
        Apply(new KvChange("a", 2, false, new byte[] { 0xC3, 0x28 }, DateTimeOffset.UnixEpoch));

        Assert.True(_view.TryGetValue("a", out var value));
        Assert.Equal("good", value);
        Assert.Equal(ProjectionWarningKind.InvalidUtf8, Assert.Single(_warnings).Kind);
    }

    [Fact]
    public void A_new_key_refused_as_malformed_or_not_utf8_is_not_tracked_and_a_later_good_entry_of_it_applies()
    {
        Apply(
            new KvChange("fresh", 1, false, new byte[] { 0xC3, 0x28 }, DateTimeOffset.UnixEpoch),
            Put("bad.=ZZ", 2, "x"));

        Assert.Equal(0, _projection.KeyCount);
        Assert.Equal(0, _projection.LiveKeyCount);
        Assert.Equal(2, _warnings.Count);

        Apply(Put("fresh", 3, "now good"));
        Assert.True(_view.TryGetValue("fresh", out var value));
        Assert.Equal("now good", value);
        Assert.Equal(1, _projection.KeyCount);
    }

    [Fact]
    public void A_refused_entry_keeps_the_revision_the_key_had_so_an_older_good_entry_still_applies_over_it()
    {
        Apply(Put("a", 1, "one"));
        Apply(new KvChange("a", 5, false, new byte[] { 0xFF }, DateTimeOffset.UnixEpoch));
        Apply(Put("a", 3, "three"));

        Assert.True(_view.TryGetValue("a", out var value));
        Assert.Equal("three", value);
    }

    [Fact]
    public void Single_and_several_outputs_export_as_the_snapshot_holds_them()
    {
        Apply(Put("plain", 1, "v"), Put("one", 2, """{"x":1}"""), Put("many", 3, """[1,2]"""), Put("empty", 4, "{}"), Delete("gone", 5));

        var entries = _projection.Export().ToDictionary(e => e.Key);

        Assert.Equal(4, entries.Count);
        Assert.Equal([new KeyValuePair<string, string?>("plain", "v")], entries["plain"].Outputs);
        Assert.Equal([new KeyValuePair<string, string?>("one:x", "1")], entries["one"].Outputs);
        Assert.Equal([new("many:0", "1"), new KeyValuePair<string, string?>("many:1", "2")], entries["many"].Outputs);
        Assert.Equal([new KeyValuePair<string, string?>("empty", null)], entries["empty"].Outputs);
        Assert.Equal(3UL, entries["many"].Revision);
    }

    [Fact]
    public void Staging_a_list_an_array_or_any_sequence_gives_the_same_state()
    {
        KvChange[] changes = [Put("a.b", 1, "1"), Put("A.B", 2, "2"), Put("j", 3, """{"k":[1,{}]}"""), Delete("a.b", 4), Put("c", 5, " [x")];
        var views = new List<Dictionary<string, string?>>();
        foreach (var sequence in new IEnumerable<KvChange>[] { changes, changes.ToList(), changes.Select(c => c) })
        {
            var projection = new BucketProjection(JsonExpansionLimits.Default);
            var warnings = new List<ProjectionWarning>();
            projection.Stage(sequence, warnings);
            var view = projection.BuildView();
            views.Add(view.Paths.ToDictionary(p => p, p => view.TryGetValue(p, out var v) ? v : null, StringComparer.OrdinalIgnoreCase));
            Assert.Equal([ProjectionWarningKind.PathConflict, ProjectionWarningKind.InvalidJson], warnings.Select(w => w.Kind));
        }

        Assert.Equal(new Dictionary<string, string?> { ["A:B"] = "2", ["j:k:0"] = "1", ["j:k:1"] = null, ["c"] = " [x" }, views[0]);
        Assert.Equal(views[0], views[1]);
        Assert.Equal(views[0], views[2]);
    }

    [Fact]
    public void Json_that_does_not_parse_stays_a_plain_string_with_a_warning()
    {
        Apply(Put("a", 1, "{oops"));

        Assert.True(_view.TryGetValue("a", out var value));
        Assert.Equal("{oops", value);
        Assert.Equal(ProjectionWarningKind.InvalidJson, Assert.Single(_warnings).Kind);
    }

    [Fact]
    public void Json_stays_a_string_when_expansion_is_off()
    {
        var projection = new BucketProjection(jsonExpansion: null);
        var view = projection.Apply([Put("a", 1, """{"b":1}""")], ConfigurationView.Empty, _warnings);

        Assert.True(view.TryGetValue("a", out var value));
        Assert.Equal("""{"b":1}""", value);
        Assert.Empty(_warnings);
    }

    [Fact]
    public void Putting_the_same_value_again_changes_nothing_visible()
    {
        Apply(Put("a", 1, "v"));
        var before = _view;

        Apply(Put("a", 2, "v"));

        Assert.Same(before, _view);
        Assert.Equal(2UL, _projection.Revision);
    }

    [Fact]
    public void Replace_keeps_exactly_the_new_full_state()
    {
        Apply(Put("a", 10, "1"), Put("b", 11, "2"));

        _view = _projection.Replace([Put("b", 1, "new"), Put("c", 2, "3")], _warnings);

        Assert.Equal(new Dictionary<string, string?> { ["b"] = "new", ["c"] = "3" }, Values());
        Assert.Equal(2UL, _projection.Revision);
        Assert.Equal(2, _projection.LiveKeyCount);
    }

    [Fact]
    public void A_projection_restored_from_its_export_gives_the_same_view_and_applies_later_changes_the_same_way()
    {
        Apply(
            Put("db.host", 1, "h"),
            Put("db.pool", 2, """{"min": 1, "max": 2}"""),
            Put("Db.Host", 3, "case-collision"),
            Put("gone", 4, "x"),
            Delete("gone", 5));
        var snapshot = new ConfigurationSnapshot("b", "", JsonExpansionLimits.Default, DateTimeOffset.UnixEpoch, _projection.Revision, DateTimeOffset.UnixEpoch, _projection.Export());

        var restored = BucketProjection.Restore(snapshot);
        var restoredView = restored.BuildView();

        Assert.Equal(Values(), restoredView.Paths.ToDictionary(p => p, p => restoredView.TryGetValue(p, out var v) ? v : null, StringComparer.OrdinalIgnoreCase));
        Assert.Equal(_projection.LiveKeyCount, restored.LiveKeyCount);
        Assert.Equal(5UL, restored.Revision);

        // The losing key of the case collision takes over once the winner is deleted, in both.
        KvChange[] later = [Delete("Db.Host", 6), Put("db.pool", 7, "plain")];
        Apply(later);
        restoredView = restored.Apply(later, restoredView, []);
        Assert.Equal(Values(), restoredView.Paths.ToDictionary(p => p, p => restoredView.TryGetValue(p, out var v) ? v : null, StringComparer.OrdinalIgnoreCase));
        Assert.True(restoredView.TryGetValue("db:host", out var host));
        Assert.Equal("h", host);
    }
    [Fact]
    public void Pruning_removes_keys_and_delete_markers_below_the_first_revision_and_spares_held_keys()
    {
        var projection = new BucketProjection(JsonExpansionLimits.Default);
        var warnings = new List<ProjectionWarning>();
        var view = projection.Apply(
            [
                new KvChange("old", 1, false, "1"u8.ToArray(), DateTimeOffset.UnixEpoch),
                new KvChange("held", 2, false, "2"u8.ToArray(), DateTimeOffset.UnixEpoch),
                new KvChange("gone", 3, true, default, DateTimeOffset.UnixEpoch),
                new KvChange("json", 4, false, """{"a":1,"b":2}"""u8.ToArray(), DateTimeOffset.UnixEpoch),
                new KvChange("new", 9, false, "9"u8.ToArray(), DateTimeOffset.UnixEpoch),
            ],
            ConfigurationView.Empty,
            warnings);
        Assert.Equal(5, projection.KeyCount);

        view = projection.Prune(firstRevision: 5, spared: ["held"], view, out var removed);

        Assert.Equal(2, removed); // old and json; the delete marker of gone goes too, but had no value
        Assert.Equal(2, projection.KeyCount);
        Assert.Equal(2, projection.LiveKeyCount);
        Assert.False(view.TryGetValue("old", out _));
        Assert.False(view.TryGetValue("json:a", out _));
        Assert.True(view.TryGetValue("held", out var held) && held == "2");
        Assert.True(view.TryGetValue("new", out var kept) && kept == "9");
        Assert.Empty(warnings);
    }
}
