using CsCheck;

namespace NatsKvConfig.Tests.Diagnostics;

public class CredentialRedactorTests
{
    [Theory]
    [InlineData("cannot connect to nats://admin:s3cret@10.0.0.1:4222", "cannot connect to nats://10.0.0.1:4222")]
    [InlineData("urls nats://t0ken@a:4222,tls://u:p@b:4222", "urls nats://a:4222,tls://b:4222")]
    [InlineData("no credentials at nats://host:4222", "no credentials at nats://host:4222")]
    [InlineData("nats://u:p@ss@host:4222", "nats://host:4222")] // '@' in the password
    [InlineData("nats://u:p,ss@h1:4222,nats://h2:4222", "nats://h1:4222,nats://h2:4222")] // ',' in the password
    [InlineData("nats://u:ab/cd+ef==@host:4222/path", "nats://host:4222/path")] // base64: '/', '+', '='
    [InlineData("nats://u:p%40ss%2C@host", "nats://host")] // URL-encoded
    [InlineData("websocket wss://u:p@h:443 failed; then nats://h2 refused", "websocket wss://h:443 failed; then nats://h2 refused")]
    [InlineData("nats://host:4222 failed, ask admin@example.com", "nats://host:4222 failed, ask admin@example.com")]
    [InlineData("'nats://u:p@host'", "'nats://host'")]
    public void Urls_in_text_lose_everything_up_to_the_last_at_sign_of_their_authority(string text, string expected) =>
        Assert.Equal(expected, CredentialRedactor.Redact(text));

    [Theory]
    [InlineData("nats://u:p@ss@a:4222,nats://b:4222", "nats://a:4222,nats://b:4222")]
    [InlineData("u:p@a:4222", "a:4222")]
    [InlineData("a:4222,b:4222", "a:4222,b:4222")]
    [InlineData("u:p,ss@a:4222", "a:4222")] // the piece before the comma may be part of the password: left out
    [InlineData("x@a:4222,y@b:4222", "a:4222,b:4222")]
    public void A_server_list_loses_every_credential(string urls, string expected) =>
        Assert.Equal(expected, CredentialRedactor.RedactServerList(urls));

    [Fact]
    public void No_password_survives_in_any_url_of_any_list()
    {
        // Passwords of the characters that break naive parsers, in lists of one to three URLs with text around.
        var password = Gen.String[Gen.Char["abcXYZ019@,/+=%:;!$&*"], 1, 24].Where(p => p.Length >= 6 && p.Any(char.IsLetterOrDigit) && !("user:" + p).Contains("://", StringComparison.Ordinal)); // "://" in a password reads as a new URL: it must be escaped
        var url = Gen.Select(Gen.OneOf("nats", "tls", "ws", "wss"), password, Gen.OneOf("h1", "10.0.0.2", "node-3.example"))
            .Select((scheme, secret, host) => (Url: $"{scheme}://user:{secret}@{host}:4222", Secret: secret));
        Gen.Select(url.Array[1, 3], Gen.OneOf("", "connect to ", "failed: ")).Sample((urls, prefix) =>
        {
            var text = prefix + string.Join(",", urls.Select(u => u.Url)) + " refused";
            var redacted = CredentialRedactor.Redact(text);
            foreach (var (_, secret) in urls)
            {
                Assert.DoesNotContain("user:" + secret, redacted, StringComparison.Ordinal);
                Assert.DoesNotContain(secret + "@", redacted, StringComparison.Ordinal);
            }

            Assert.DoesNotContain("user", redacted, StringComparison.Ordinal);
            Assert.Equal(string.Join(",", urls.Select(u => u.Url[..u.Url.IndexOf("://", StringComparison.Ordinal)] + "://" + u.Url[(u.Url.LastIndexOf('@') + 1)..])), CredentialRedactor.RedactServerList(string.Join(",", urls.Select(u => u.Url))));
        }, iter: 2_000);
    }

    [Fact]
    public void An_exception_chain_naming_a_url_with_credentials_is_copied_without_them_and_one_without_is_kept()
    {
        var plain = new InvalidOperationException("nats://host:4222 refused");
        Assert.Same(plain, CredentialRedactor.Redact(plain));

        var leaking = new InvalidOperationException("outer", new TimeoutException("nats://u:p@ss@host:4222 timed out"));
        var redacted = CredentialRedactor.Redact(leaking);
        Assert.DoesNotContain("p@ss", redacted.ToString(), StringComparison.Ordinal);
        Assert.Contains("System.TimeoutException: nats://host:4222 timed out", redacted.InnerException!.Message, StringComparison.Ordinal);
    }
}
