using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Launcher.Tests.Planning;

/// <summary>
/// The rules Docker documents for a <c>.dockerignore</c>: its documentation's examples first, then cases of ours for
/// each rule. (A <c>&lt;Dockerfile&gt;.dockerignore</c> replacing the context's is in <c>BuildContextTests</c>.)
/// </summary>
public sealed class DockerIgnoreTests
{
    private static bool Excluded(string file, string path) => DockerIgnore.Parse(file).Excludes(path);

    // https://docs.docker.com/build/concepts/context/#dockerignore-files: the example file and what its table says.
    [Theory]
    [InlineData("somedir/temporary.txt", true)]
    [InlineData("somedir/temp", true)]
    [InlineData("somedir/subdir/temporary.txt", true)]
    [InlineData("tempa", true)]
    [InlineData("tempb", true)]
    [InlineData("temp", false)]
    [InlineData("temporary.txt", false)]
    [InlineData("a/b/c/temporary.txt", false)]
    public void The_documentations_example_file(string path, bool excluded) =>
        Excluded("# comment\n*/temp*\n*/*/temp*\ntemp?\n", path).Should().Be(excluded);

    [Theory]
    [InlineData("/foo/bar", "foo/bar", true)]
    [InlineData("foo/bar", "foo/bar", true)]
    [InlineData("foo/bar", "bar", false)]
    [InlineData("foo/bar", "other/foo/bar", false)]
    [InlineData("**/*.go", "main.go", true)]
    [InlineData("**/*.go", "cmd/tool/main.go", true)]
    [InlineData("*.md\n!README.md", "README.md", false)]
    [InlineData("*.md\n!README.md", "CHANGES.md", true)]
    [InlineData("*.md\n!README*.md\nREADME-secret.md", "README-secret.md", true)]
    [InlineData("*.md\n!README*.md\nREADME-secret.md", "README-public.md", false)]
    [InlineData("*.md\nREADME-secret.md\n!README*.md", "README-secret.md", false)]
    [InlineData("*\n!src\n!Makefile", "src/main.c", false)]
    [InlineData("*\n!src\n!Makefile", "Makefile", false)]
    [InlineData("*\n!src\n!Makefile", "docs/index.md", true)]
    public void The_documentations_other_examples(string file, string path, bool excluded) =>
        Excluded(file, path).Should().Be(excluded);

    [Theory]
    [InlineData("#secret.txt\n", "#secret.txt", false)]      // A comment, not a pattern.
    [InlineData(" #secret.txt\n", "#secret.txt", true)]      // '#' only starts a comment in the first column.
    [InlineData("\n   \n\t\nlog.txt\n", "log.txt", true)]   // Blank lines are skipped.
    [InlineData("\n   \n\t\n", "anything", false)]
    [InlineData("  build.out \t\n", "build.out", true)]     // Surrounding whitespace is trimmed.
    [InlineData("\uFEFFbuild.out\r\nother\r\n", "build.out", true)] // A byte-order mark and CRLF line ends.
    [InlineData("\uFEFF#build.out\r\n", "build.out", false)]
    public void Comments_blank_lines_and_whitespace(string file, string path, bool excluded) =>
        Excluded(file, path).Should().Be(excluded);

    [Theory]
    [InlineData("out/", "out/app.bin")]
    [InlineData("/out", "out")]
    [InlineData("///out//bin", "out/bin")]
    [InlineData("./out/./bin", "out/bin")]
    [InlineData("out/tmp/../bin", "out/bin")]
    [InlineData("/../out", "out")]
    public void Patterns_are_cleaned_and_a_leading_slash_means_the_context(string pattern, string path) =>
        new DockerIgnore([pattern]).Excludes(path).Should().BeTrue();

    [Theory]
    [InlineData("*.log", "server.log", true)]
    [InlineData("*.log", ".log", true)]
    [InlineData("*.log", "logs/server.log", false)] // '*' stays within one name.
    [InlineData("logs*", "logs/2024/x", true)]      // ... but the directory it names takes its content along.
    [InlineData("v?.txt", "v1.txt", true)]
    [InlineData("v?.txt", "v.txt", false)]
    [InlineData("v?.txt", "v10.txt", false)]
    [InlineData("a?b", "a/b", false)]               // '?' is never a '/'.
    [InlineData("photo-?.jpg", "photo-\U0001F600.jpg", true)] // One character, even outside the BMP.
    [InlineData("*/cache", "pkg/cache", true)]
    [InlineData("*/cache", "cache", false)]
    [InlineData("*/cache", "a/pkg/cache", false)]
    public void Star_and_question_mark_match_within_a_name(string pattern, string path, bool excluded) =>
        new DockerIgnore([pattern]).Excludes(path).Should().Be(excluded);

    [Theory]
    [InlineData("report[0-9].csv", "report7.csv", true)]
    [InlineData("report[0-9].csv", "reportX.csv", false)]
    [InlineData("report[0-9].csv", "report10.csv", false)]
    [InlineData("[a-cx]file", "bfile", true)]
    [InlineData("[a-cx]file", "xfile", true)]
    [InlineData("[a-cx]file", "dfile", false)]
    [InlineData("[^a-c]file", "dfile", true)]
    [InlineData("[^a-c]file", "afile", false)]
    [InlineData("[!x]file", "!file", true)]        // Only '^' negates; '!' is a member like any other.
    [InlineData(@"[\]\-]z", "]z", true)]            // Escaped in a class, ']' and '-' are members.
    [InlineData(@"[\]\-]z", "-z", true)]
    [InlineData(@"[\]\-]z", "az", false)]
    public void Character_classes_with_ranges_and_negation(string pattern, string path, bool excluded) =>
        new DockerIgnore([pattern]).Excludes(path).Should().Be(excluded);

    [Theory]
    [InlineData(@"why\?.txt", "why?.txt", true)]
    [InlineData(@"why\?.txt", "whyX.txt", false)]
    [InlineData(@"\*", "*", true)]
    [InlineData(@"\*", "anything", false)]
    [InlineData(@"\[draft].md", "[draft].md", true)]
    [InlineData(@"C\\dir", @"C\dir", true)]
    [InlineData(@"\#notes", "#notes", true)]
    public void A_backslash_makes_the_next_character_literal(string pattern, string path, bool excluded) =>
        new DockerIgnore([pattern]).Excludes(path).Should().Be(excluded);

    [Theory]
    [InlineData("**/node_modules", "node_modules", true)]         // No directory at all...
    [InlineData("**/node_modules", "web/node_modules", true)]     // ... one ...
    [InlineData("**/node_modules", "a/b/c/node_modules/x.js", true)] // ... or many.
    [InlineData("src/**/test", "src/test", true)]
    [InlineData("src/**/test", "src/a/b/test", true)]
    [InlineData("src/**/test", "lib/a/test", false)]
    [InlineData("src/**/*.tmp", "src/x/y/z.tmp", true)]
    [InlineData("src/**/*.tmp", "src/x/y/z.tmpl", false)]
    [InlineData("build/**", "build/a/b", true)]
    [InlineData("build/**", "build", false)]                     // A trailing /** is what is inside.
    [InlineData("**", "anything/at/all", true)]
    [InlineData("**/**/*.bak", "x.bak", true)]
    [InlineData("**.bak", "deep/down/x.bak", true)]              // Inside a name, '**' crosses directories.
    [InlineData("doc**/x", "docs/a/b/x", true)]
    public void Double_star_spans_any_number_of_directories(string pattern, string path, bool excluded) =>
        new DockerIgnore([pattern]).Excludes(path).Should().Be(excluded);

    [Theory]
    [InlineData("secrets", "secrets", true)]
    [InlineData("secrets", "secrets/prod/key.pem", true)]
    [InlineData("secrets", "secrets-public", false)]
    [InlineData("se*ts", "secrets/prod/key.pem", true)]
    [InlineData("secrets/*", "secrets/prod/key.pem", true)]
    [InlineData("secrets/*", "secrets", false)]
    public void A_pattern_matching_a_directory_excludes_what_is_under_it(string pattern, string path, bool excluded) =>
        new DockerIgnore([pattern]).Excludes(path).Should().Be(excluded);

    [Theory]
    [InlineData("!app.cfg\n*.cfg", "app.cfg", true)]               // An exception before the exclusion is overridden.
    [InlineData("*.cfg\n!app.cfg", "app.cfg", false)]
    [InlineData("*.cfg\n!app.cfg\napp.cfg", "app.cfg", true)]      // The last matching line wins, both ways.
    [InlineData("*.cfg\n!*.cfg\n*.cfg\n!app.cfg", "app.cfg", false)]
    [InlineData("vendor\n!vendor/keep", "vendor/keep/a.go", false)] // Back from under an excluded directory.
    [InlineData("vendor\n!vendor/keep", "vendor/drop/a.go", true)]
    [InlineData("vendor/\n!vendor/keep", "vendor/keep", false)]
    [InlineData("**\n!lib\nlib/*.o", "lib/util.o", true)]
    [InlineData("**\n!lib\nlib/*.o", "lib/util.c", false)]
    [InlineData("! keep.log\n", "keep.log", false)]
    [InlineData("*\n", ".", false)]                                 // The context itself is always sent.
    public void Exceptions_and_later_lines_win(string file, string path, bool excluded) =>
        Excluded(file, path).Should().Be(excluded);

    [Theory]
    [InlineData("ok\n!\n", "line 2", "'!'")]
    [InlineData("!   \n", "line 1", "'!'")]
    [InlineData("a/[bc\n", "line 1", "no ']'")]
    [InlineData("[]\n", "line 1", "escaped")]
    [InlineData("x\n\nfile[z-a]\n", "line 3", "backwards")]
    [InlineData("trail\\\n", "line 1", "lone")]
    public void A_malformed_pattern_is_an_error_naming_its_line(string file, string line, string why) =>
        FluentActions.Invoking(() => DockerIgnore.Parse(file)).Should().Throw<FormatException>()
            .Which.Message.Should().Contain(line).And.Contain(why);

    [Fact]
    public void The_dockerfile_and_the_ignore_file_are_kept_whatever_the_patterns_say()
    {
        var ignore = DockerIgnore.Parse("*\n!docker\ndocker/*\n").Keeping(".dockerignore", "docker/app[1].Dockerfile");

        ignore.Excludes(".dockerignore").Should().BeFalse();
        ignore.Excludes("docker/app[1].Dockerfile").Should().BeFalse(); // Kept by name, not read as a pattern.
        ignore.Excludes("docker/app1.Dockerfile").Should().BeTrue();
        ignore.Excludes("docker/other").Should().BeTrue();
        ignore.MayKeepUnder("docker").Should().BeTrue();
    }

    [Theory]
    [InlineData("assets\n", "assets", false)]
    [InlineData("assets\n!assets/logo.svg\n", "assets", true)]
    [InlineData("assets\n!assets/logo.svg\n", "fonts", false)]
    [InlineData("assets\n!assets/*/logo.svg\n", "assets/v2", true)]
    [InlineData("assets\n!assets/*/logo.svg\n", "assets/v2/old", false)]
    [InlineData("*\n!**/*.svg\n", "any/where", true)]
    public void An_excluded_directory_is_walked_only_when_an_exception_may_reach_inside(string file, string directory, bool walked) =>
        DockerIgnore.Parse(file).MayKeepUnder(directory).Should().Be(walked);

    [Fact]
    // The matcher follows every position of the pattern at once, so this returns; a backtracking one would not.
    public void A_pattern_written_to_make_a_matcher_backtrack_is_matched_on_a_long_name()
    {
        var ignore = new DockerIgnore(["*a*a*a*a*a*a*a*a*a*a*a*a*b", "**a**a**a**a**a**a**a**b"]);
        var name = new string('a', 20_000);

        ignore.Excludes(name).Should().BeFalse();
        ignore.Excludes(name + "/" + name).Should().BeFalse();
        ignore.Excludes(name + "b").Should().BeTrue();
    }
}
