using NATS.Client.JetStream;

namespace NatsKvConfig;

/// <summary>
/// The names of a bucket's keys under a filter, delete markers included, from the stream's subject index: no
/// values are read, so listing is cheap next to reading the entries.
/// </summary>
internal static class BucketKeyListing
{
    /// <summary>The full keys (not relative to any prefix) matching <paramref name="filter"/>, such as <c>app.*.*</c>.</summary>
    public static async Task<List<string>> ListAsync(INatsJSContext js, string bucket, string filter, CancellationToken cancellationToken)
    {
        var subjectPrefix = NatsKvWire.SubjectPrefix(bucket);
        var keys = new List<string>();
        var offset = 0;
        while (true)
        {
            var response = await NatsKvWire.SubjectsAsync(js, bucket, filter, offset, cancellationToken).ConfigureAwait(false);
            var subjects = response.State.Subjects;
            if (subjects is null || subjects.Count == 0)
            {
                return keys;
            }

            foreach (var subject in subjects.Keys)
            {
                if (subject.StartsWith(subjectPrefix, StringComparison.Ordinal))
                {
                    keys.Add(subject[subjectPrefix.Length..]);
                }
            }

            // The server pages the subjects (100,000 at a time): ask for the next page while the total is not reached.
            offset += subjects.Count;
            if (response.Total <= offset)
            {
                return keys;
            }
        }
    }
}
