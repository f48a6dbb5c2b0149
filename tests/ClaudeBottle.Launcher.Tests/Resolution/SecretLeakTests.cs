using System.Collections;
using System.Reflection;
using ClaudeBottle.Launcher.Resolution;

namespace ClaudeBottle.Launcher.Tests.Resolution;

/// <summary>The real value of a secret is in a resolved bottle once, in <see cref="ResolvedSecret.Value"/>, and nowhere else.</summary>
public sealed class SecretLeakTests
{
    private static readonly string[] RealValues = [SecretResolutionTests.Token, SecretResolutionTests.GitHub, SecretResolutionTests.Npm];

    [Fact]
    public void No_string_reachable_from_a_resolved_bottle_holds_a_real_value_except_its_secrets_values()
    {
        var bottles = SecretResolutionTests.Resolve(SecretResolutionTests.Rich, SecretResolutionTests.Env(
            (AgentLayout.TokenVariable, SecretResolutionTests.Token), ("GITHUB_TOKEN", SecretResolutionTests.GitHub),
            ("NPM_TOKEN", SecretResolutionTests.Npm)));

        foreach (var bottle in bottles)
        {
            var strings = new List<(string Path, string Text)>();
            Walk(bottle, "", strings, new HashSet<object>(ReferenceEqualityComparer.Instance), depth: 0);

            var holding = strings.Where(s => RealValues.Any(v => s.Text.Contains(v, StringComparison.Ordinal))).Select(s => s.Path).ToList();
            holding.Should().Equal(
                new[] { "Secrets[0].Value", "Secrets[1].Value", "Secrets[2].Value" },
                "a real value may be held only by Secrets[i].Value; strings seen: {0}", strings.Count);
            // The walk reached what matters: the env's placeholders, the credentials' templates, the rules' names.
            strings.Should().Contain(s => s.Path.StartsWith("Environment[", StringComparison.Ordinal) && s.Path.EndsWith(".Value", StringComparison.Ordinal));
            strings.Should().Contain(s => s.Path == "Credentials[1].Template");
            strings.Should().Contain(s => s.Path == "Rules[0].Name");
            strings.Should().Contain(s => s.Path == "Secrets[0].Placeholder");
        }
    }

    /// <summary>Every string a bottle exposes: its public properties, their items, and each object's ToString().</summary>
    private static void Walk(object? value, string path, List<(string, string)> strings, HashSet<object> seen, int depth)
    {
        switch (value)
        {
            case null:
                return;
            case string text:
                strings.Add((path, text));
                return;
            case Enum or IFormattable or bool or char or Type:
                strings.Add((path, value.ToString()!));
                return;
        }
        depth.Should().BeLessThan(16, "the walk at {0} is unexpectedly deep", path);
        var type = value.GetType();
        if (!type.IsValueType && !seen.Add(value))
            return;
        strings.Add((path + ".ToString()", value.ToString() ?? ""));
        if (value is IEnumerable items)
        {
            var i = 0;
            foreach (var item in items)
                Walk(item, $"{path}[{i++}]", strings, seen, depth + 1);
            return;
        }
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0)
                continue;
            var child = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
            Walk(property.GetValue(value), child, strings, seen, depth + 1);
        }
    }
}
