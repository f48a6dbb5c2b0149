using ClaudeBottle.Launcher.Manifest;

namespace ClaudeBottle.Launcher.Tests.Manifest;

public sealed class HostnameRulesTests
{
    [Theory]
    [InlineData("github.com")]
    [InlineData("raw.githubusercontent.com")]
    [InlineData("*.example.co.uk")]
    [InlineData("*.npmjs.org")]
    [InlineData("*.mybucket.s3.amazonaws.com")]
    [InlineData("github.io")]
    [InlineData("API.Anthropic.COM")]
    [InlineData("xn--bcher-kva.example")]
    [InlineData("a-b.c0.io")]
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

    // ICANN section, private section, a wildcard rule (*.compute.amazonaws.com), and domains with a suffix beneath them.
    [Theory]
    [InlineData("*.co.uk", "every host under 'co.uk', a public suffix")]
    [InlineData("*.CO.UK", "every host under 'co.uk', a public suffix")]
    [InlineData("*.github.io", "every host under 'github.io', a public suffix")]
    [InlineData("*.githubusercontent.com", "every host under 'githubusercontent.com', a public suffix")]
    [InlineData("*.s3.amazonaws.com", "every host under 's3.amazonaws.com', a public suffix")]
    [InlineData("*.eu-west-1.compute.amazonaws.com", "every host under 'eu-west-1.compute.amazonaws.com', a public suffix")]
    [InlineData("*.xn--55qx5d.cn", "every host under 'xn--55qx5d.cn', a public suffix")]
    [InlineData("*.amazonaws.com", "also allow every host under 's3.amazonaws.com', a public suffix beneath 'amazonaws.com'")]
    [InlineData("*.compute.amazonaws.com", "also allow every host under '*.compute.amazonaws.com'")]
    public void Rejects_wildcards_over_a_public_suffix(string entry, string reason)
    {
        var problem = HostnameRules.Check(entry);
        problem.Should().Contain(reason).And.Contain($"Public Suffix List of {PublicSuffixList.Date}").And.Contain("list the hosts the agent needs");
    }

    [Theory]
    [InlineData("co.uk", true)]
    [InlineData("example.co.uk", false)]
    [InlineData("com", true)]
    [InlineData("anything.compute.amazonaws.com", true)]
    [InlineData("city.kawasaki.jp", false)] // An exception rule (!city.kawasaki.jp) under *.kawasaki.jp.
    [InlineData("other.kawasaki.jp", true)]
    public void Public_suffixes_follow_the_lists_rules(string domain, bool suffix) =>
        PublicSuffixList.IsPublicSuffix(domain).Should().Be(suffix);

    [Fact]
    public void Rejects_labels_over_63_and_names_over_253_characters()
    {
        HostnameRules.Check(new string('a', 64) + ".com").Should().Contain("longer than 63");
        HostnameRules.Check(string.Join('.', Enumerable.Repeat(new string('a', 60), 5)) + ".com").Should().Contain("253");
    }
}
