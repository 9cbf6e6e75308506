using Microsoft.Playwright;
using NatsKvConfig.IntegrationTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace NatsKvConfig.IntegrationTests.ConfigService;

/// <summary>
/// The admin page in a real browser (Debian's Chromium, headless), against the service and a real nats-server:
/// edit a key, see a change made in KV arrive without a reload, and run into a conflict.
/// </summary>
public class AdminPageBrowserTests
{
    private const string Key = "Checkout.Timeout";

    [Fact]
    public async Task Edit_in_the_page_see_changes_from_KV_live_and_get_a_clear_conflict()
    {
        var chromium = FindChromium();
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url, name: "app_config"); // the only test with this name: it shows in the screenshot
        await bucket.PutAsync(Key, "00:00:30");
        await bucket.PutAsync("Checkout.Retries", "3");
        await bucket.PutAsync("Logging.LogLevel.Microsoft=2EAspNetCore", "Warning");
        await bucket.PutAsync("features.new_ui", """{"enabled": true, "rollout": 25}""");
        await using var host = await ConfigServiceHost.StartAsync(server.Url, bucket.Name);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 760 } });
        SetDefaultExpectTimeout(15_000);
        await page.GotoAsync(host.Address.ToString());
        await Expect(page.Locator("#live")).ToHaveTextAsync("live");
        var row = page.Locator($"tr[data-key='{Key}']");

        // Edit in the page: the token is asked for once, and the value lands in KV.
        await row.ClickAsync();
        await Expect(page.Locator("#editor-value")).ToHaveValueAsync("00:00:30");
        await page.Locator("#editor-value").FillAsync("00:01:00");
        await page.Locator("#save").ClickAsync();
        await page.Locator("#token-input").FillAsync(ConfigServiceHost.WriteToken);
        await page.Locator("#token-ok").ClickAsync();
        await Expect(page.Locator("#message")).ToContainTextAsync($"Saved {Key} at revision");
        Assert.Equal("00:01:00", (await bucket.ReadAllAsync())[Key]);

        // Changed in KV: the page follows without a reload.
        await bucket.PutAsync(Key, "00:02:00");
        await Expect(page.Locator("#editor-value")).ToHaveValueAsync("00:02:00");
        await Expect(row.Locator("td").Nth(1)).ToHaveTextAsync("00:02:00");
        await bucket.PutAsync("Checkout.Currency", "EUR");
        await Expect(page.Locator("tr[data-key='Checkout.Currency']")).ToBeVisibleAsync();

        // Someone else writes while the page edits: the page warns, and saving reports the conflict with their value.
        await page.Locator("#editor-value").FillAsync("00:03:00");
        await bucket.PutAsync(Key, "00:09:00");
        await Expect(page.Locator("#message")).ToContainTextAsync("while you were editing");
        await page.Locator("#save").ClickAsync();
        await Expect(page.Locator("#message")).ToContainTextAsync($"Conflict: someone else changed {Key}");
        await Expect(page.Locator("#conflict-value")).ToHaveTextAsync("00:09:00");
        Assert.Equal("00:09:00", (await bucket.ReadAllAsync())[Key]);

        // Their value, then the history with its diffs, as the screenshot in the docs shows it.
        await page.Locator("#use-theirs").ClickAsync();
        await Expect(page.Locator("#editor-value")).ToHaveValueAsync("00:09:00");
        await page.Locator("#show-history").ClickAsync();
        await Expect(page.Locator("#history-list li")).ToHaveCountAsync(4);
        await Expect(page.Locator("#history-list li").First.Locator(".diff .add")).ToHaveTextAsync("+ 00:09:00");
        var screenshot = await page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath("artifacts", "config-service.png"), FullPage = true });
        Assert.True(screenshot.Length > 10_000, "the screenshot has content");
        if (Environment.GetEnvironmentVariable("NATSKVCONFIG_UPDATE_DOCS") == "1")
        {
            File.WriteAllBytes(ScreenshotPath("docs", "images", "config-service.png"), screenshot);
        }
    }

    private static string FindChromium()
    {
        var path = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        if (!File.Exists(path))
        {
            Assert.Fail($"Chromium is not installed at {path}: install it with `apt-get install -y chromium` (./build.sh test does it when run as root), or set CHROMIUM_PATH.");
        }

        return path;
    }

    // A path in the checkout the tests run from: artifacts/ always; docs/images/ when asked to update the docs.
    private static string ScreenshotPath(params string[] parts)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "NatsKvConfig.sln")))
        {
            directory = directory.Parent;
        }

        var path = Path.Combine([directory?.FullName ?? AppContext.BaseDirectory, .. parts]);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }
}
