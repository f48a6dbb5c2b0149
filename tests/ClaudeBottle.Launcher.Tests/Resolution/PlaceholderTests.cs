using ClaudeBottle.Launcher.Resolution;

namespace ClaudeBottle.Launcher.Tests.Resolution;

public sealed class PlaceholderTests
{
    // Shaped like the real thing, made up here.
    private const string ClaudeToken = "sk-ant-oat01-Zq3vN8xW2mK5pR7tY1uB4cD6eF9gH0jL2nP4rS6tV8wX0yZ1aB3cD5eF7gH9jK1mN3pQ5rS7tU9vW1xY3zA5bC7dE9fG1hJ3kL5mN7pQ9rSAA";
    private const string GitHubClassic = "ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";
    private const string GitHubFineGrained = "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcd";

    [Theory]
    [InlineData(ClaudeToken, "sk-ant-oat01-")]
    [InlineData(GitHubClassic, "ghp_")]
    [InlineData(GitHubFineGrained, "github_pat_")]
    public void A_token_keeps_its_type_prefix_and_length_and_nothing_else(string value, string prefix)
    {
        var placeholder = Placeholder.For(value);

        placeholder.Should().StartWith(prefix).And.HaveLength(value.Length).And.NotBe(value);
        // What follows the prefix is random: at most a few characters agree by chance.
        placeholder[prefix.Length..].Zip(value[prefix.Length..]).Count(p => p.First == p.Second).Should().BeLessThan(value.Length / 4);
    }

    [Fact]
    public void A_placeholder_is_new_on_every_call()
    {
        var made = Enumerable.Range(0, 50).Select(_ => Placeholder.For(GitHubClassic)).ToList();

        made.Should().OnlyHaveUniqueItems();
    }

    [Theory]
    [InlineData("0123456789012345678901234567890123456789", "0123456789")]
    [InlineData("deadbeef0123456789abcdef0123456789abcdef", "0123456789abcdef")]
    [InlineData("DEADBEEF0123456789ABCDEF0123456789ABCDEF", "0123456789ABCDEF")]
    [InlineData("onlylowercaselettersherefortwentysix", "abcdefghijklmnopqrstuvwxyz")]
    public void The_random_part_keeps_the_values_alphabet(string value, string alphabet)
    {
        foreach (var _ in Enumerable.Range(0, 20))
            Placeholder.For(value).Should().HaveLength(value.Length).And.Match(p => p.All(alphabet.Contains));
    }

    [Fact]
    public void A_base64url_value_gets_letters_digits_and_its_own_punctuation_only()
    {
        const string value = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        const string alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ._";

        Placeholder.For(value).Should().HaveLength(value.Length).And.Match(p => p.All(alphabet.Contains));
    }

    [Theory]
    [InlineData("")]
    [InlineData("x")]
    [InlineData("hunter2")]
    [InlineData("7")]
    public void A_short_value_gets_at_least_sixteen_random_characters_that_do_not_contain_it(string value)
    {
        foreach (var _ in Enumerable.Range(0, 50))
        {
            var placeholder = Placeholder.For(value);
            placeholder.Should().HaveLength(Placeholder.MinimumLength);
            if (value.Length > 0)
                placeholder.Should().NotContain(value);
        }
    }

    [Theory]
    [InlineData("my-secret_pass1")]          // all of it within the first 16 characters
    [InlineData("correct-horse-battery9")]   // a passphrase: "correct-horse-" is most of it
    public void A_short_value_with_a_dash_is_not_given_its_own_beginning_as_a_prefix(string value)
    {
        var placeholder = Placeholder.For(value);

        placeholder.Should().NotStartWith(value[..(value.LastIndexOfAny(['-', '_']) + 1)]);
        placeholder.Length.Should().Be(Math.Max(value.Length, Placeholder.MinimumLength));
    }

    [Fact]
    public void A_derived_placeholder_is_the_same_for_the_same_seed_and_purpose_and_keeps_the_shape()
    {
        var (one, again) = (new DerivedDraw("seed"), new DerivedDraw("seed"));

        var placeholder = Placeholder.For(ClaudeToken, one, "CLAUDE_BOTTLE_OAUTH_TOKEN");

        placeholder.Should().Be(Placeholder.For(ClaudeToken, again, "CLAUDE_BOTTLE_OAUTH_TOKEN"));
        placeholder.Should().StartWith("sk-ant-oat01-").And.HaveLength(ClaudeToken.Length).And.NotBe(ClaudeToken);
        Placeholder.For(ClaudeToken, one, "OTHER").Should().NotBe(placeholder, "each variable derives its own");
        Placeholder.For(ClaudeToken, new DerivedDraw("another seed"), "CLAUDE_BOTTLE_OAUTH_TOKEN").Should().NotBe(placeholder);
    }

    [Fact]
    public void A_derived_string_uses_every_character_of_its_alphabet_and_no_other()
    {
        var drawn = new DerivedDraw("seed").String("purpose", "abc", 3000);

        drawn.Should().HaveLength(3000).And.Match(d => d.All("abc".Contains));
        // Uniform: each letter near a third (rejection sampling; a biased modulo would still pass this, a stuck draw not).
        foreach (var c in "abc")
            drawn.Count(x => x == c).Should().BeInRange(850, 1150);
    }
}
