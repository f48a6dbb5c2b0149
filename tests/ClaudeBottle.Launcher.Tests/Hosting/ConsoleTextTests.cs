using System.Text;
using ClaudeBottle.Launcher.Hosting;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Runtime;

namespace ClaudeBottle.Launcher.Tests.Hosting;

/// <summary>What a person is shown of text from inside a bottle: every character that moves or hides text escaped, at most 16 KiB.</summary>
public sealed class ConsoleTextTests
{
    [Theory]
    [InlineData("done\rall tests passed", @"done\u000dall tests passed")]
    [InlineData("\u001b[2K\u001b[1Agood", @"\u001b[2K\u001b[1Agood")]
    [InlineData("\u001b[8mhidden\u001b[0m", @"\u001b[8mhidden\u001b[0m")] // Colour too: concealed text is hidden text.
    [InlineData("evil\u202eexe.txt", @"evil\u202eexe.txt")]
    [InlineData("api.anthropic\u200b.com", @"api.anthropic\u200b.com")]
    [InlineData("a\u2028b\u2029c\u0085d", @"a\u2028b\u2029c\u0085d")]
    [InlineData("tag\U000E0041\U000E0042", @"tag\U000e0041\U000e0042")] // Invisible tag characters, beyond the BMP.
    [InlineData("plain text, accents é, emoji 😀", "plain text, accents é, emoji 😀")]
    public void Control_bidi_zero_width_and_tag_characters_show_as_escapes(string text, string shown) =>
        ConsoleText.Of(text).Should().Be(shown);

    [Fact]
    public void A_lone_surrogate_shows_as_an_escape() =>
        ConsoleText.Of("lone " + (char)0xd800 + " surrogate").Should().Be(@"lone \ud800 surrogate");

    [Fact]
    public void Text_with_nothing_to_escape_is_not_copied()
    {
        var text = new string('a', 100_000);
        NameRules.Printable(text).Should().BeSameAs(text);
    }

    [Fact]
    public void A_long_line_is_cut_at_16_KiB_with_the_bytes_cut_counted()
    {
        var text = new string('é', 20_000); // Two bytes each in UTF-8.

        var shown = ConsoleText.Of(text);

        shown.Should().Be($"{new string('é', LogLineSplitter.DefaultMaxLineBytes / 2)} [… {(20_000 * 2) - LogLineSplitter.DefaultMaxLineBytes} bytes cut]");
    }

    [Fact]
    public void A_line_the_reader_cut_counts_what_it_dropped_and_what_the_console_drops()
    {
        var line = new LogLine(new string('x', 20_000), IsError: false, CutBytes: 1_000_000);

        ConsoleText.Of(line).Should().EndWith($"x [… {1_000_000 + 20_000 - LogLineSplitter.DefaultMaxLineBytes} bytes cut]");
    }

    [Fact]
    public void A_line_of_escape_characters_is_cut_then_escaped()
    {
        var text = new string('\u001b', 1024 * 1024);

        var shown = ConsoleText.Of(text);

        shown.Should().StartWith(@"\u001b\u001b").And.EndWith($" [… {1024 * 1024 - LogLineSplitter.DefaultMaxLineBytes} bytes cut]");
        shown.Should().NotContain("\u001b");
        Encoding.UTF8.GetByteCount(shown).Should().BeLessThan(7 * LogLineSplitter.DefaultMaxLineBytes);
    }

    [Fact]
    public void A_manifest_error_quoting_a_path_stays_one_visible_line()
    {
        using var dir = new TempDirectory();
        var manifest = """{ "agents": { "a": { "workspace": "./ws\r\u001b[2K\u202eok\u200b" } } }""";

        var error = FluentActions.Invoking(() => ManifestLoader.Parse(manifest, "claude-bottle.json", dir.Path)).Should().Throw<ManifestException>().Which;

        error.Message.Split(Environment.NewLine).Should().HaveCount(2, "a heading and the one problem");
        error.Message.Should().Contain(@"ws\u000d\u001b[2K\u202eok\u200b").And.NotContainAny("\r", "\u001b", "\u202e", "\u200b");
    }
}
