using ClaudeBottle.Launcher.Manifest;

namespace ClaudeBottle.Launcher.Tests.Manifest;

public sealed class HostnameRulesTests
{
    [Theory]
    [InlineData("github.com")]
    [InlineData("*.githubusercontent.com")]
    [InlineData("API.Anthropic.COM")]
    [InlineData("xn--bcher-kva.example")]
    [InlineData("a-b.c0.io")]
    [InlineData("*.co.uk")]
    public void Accepts(string entry) => HostnameRules.Check(entry).Should().BeNull();

    [Theory]
    [InlineData("-a.com", "cannot start or end with '-'")]
    [InlineData("a-.com", "cannot start or end with '-'")]
    [InlineData("a..com", "empty label")]
    [InlineData("1.2.3.4.5", "last label is numeric")]
    [InlineData("127.0.0.1", "IP address")]
    [InlineData("::ffff:10.0.0.1", "IP address")]
    [InlineData(" github.com", "white space")]
    [InlineData("*github.com", "wrong place")]
    [InlineData("*.*.example.com", "wrong place")]
    [InlineData("ftp://files.example.com", "e.g. 'files.example.com'")]
    public void Rejects(string entry, string reason) => HostnameRules.Check(entry).Should().Contain(reason);

    [Fact]
    public void Rejects_labels_over_63_and_names_over_253_characters()
    {
        HostnameRules.Check(new string('a', 64) + ".com").Should().Contain("longer than 63");
        HostnameRules.Check(string.Join('.', Enumerable.Repeat(new string('a', 60), 5)) + ".com").Should().Contain("253");
    }
}
