using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Launcher.Tests.Planning;

/// <summary>Docker's own cases: moby/patternmatcher's TestMatches and ignorefile's rules, and the examples of Docker's documentation.</summary>
public sealed class DockerIgnoreTests
{
    [Theory]
    [InlineData("**", "file", true)]
    [InlineData("**", "file/", true)]
    [InlineData("**/", "file", true)]
    [InlineData("**/", "file/", true)]
    [InlineData("**", "/", true)]
    [InlineData("**/", "/", true)]
    [InlineData("**", "dir/file", true)]
    [InlineData("**/", "dir/file", true)]
    [InlineData("**", "dir/file/", true)]
    [InlineData("**/", "dir/file/", true)]
    [InlineData("**/**", "dir/file", true)]
    [InlineData("**/**", "dir/file/", true)]
    [InlineData("dir/**", "dir/file", true)]
    [InlineData("dir/**", "dir/file/", true)]
    [InlineData("dir/**", "dir/dir2/file", true)]
    [InlineData("dir/**", "dir/dir2/file/", true)]
    [InlineData("**/dir", "dir", true)]
    [InlineData("**/dir", "dir/file", true)]
    [InlineData("**/dir2/*", "dir/dir2/file", true)]
    [InlineData("**/dir2/*", "dir/dir2/file/", true)]
    [InlineData("**/dir2/**", "dir/dir2/dir3/file", true)]
    [InlineData("**/dir2/**", "dir/dir2/dir3/file/", true)]
    [InlineData("**file", "file", true)]
    [InlineData("**file", "dir/file", true)]
    [InlineData("**/file", "dir/file", true)]
    [InlineData("**file", "dir/dir/file", true)]
    [InlineData("**/file", "dir/dir/file", true)]
    [InlineData("**/file*", "dir/dir/file", true)]
    [InlineData("**/file*", "dir/dir/file.txt", true)]
    [InlineData("**/file*txt", "dir/dir/file.txt", true)]
    [InlineData("**/file*.txt", "dir/dir/file.txt", true)]
    [InlineData("**/file*.txt*", "dir/dir/file.txt", true)]
    [InlineData("**/**/*.txt", "dir/dir/file.txt", true)]
    [InlineData("**/**/*.txt2", "dir/dir/file.txt", false)]
    [InlineData("**/*.txt", "file.txt", true)]
    [InlineData("**/**/*.txt", "file.txt", true)]
    [InlineData("a**/*.txt", "a/file.txt", true)]
    [InlineData("a**/*.txt", "a/dir/file.txt", true)]
    [InlineData("a**/*.txt", "a/dir/dir/file.txt", true)]
    [InlineData("a/*.txt", "a/dir/file.txt", false)]
    [InlineData("a/*.txt", "a/file.txt", true)]
    [InlineData("a/*.txt**", "a/file.txt", true)]
    [InlineData("a[b-d]e", "ae", false)]
    [InlineData("a[b-d]e", "ace", true)]
    [InlineData("a[b-d]e", "aae", false)]
    [InlineData("a[^b-d]e", "aze", true)]
    [InlineData(".*", ".foo", true)]
    [InlineData(".*", "foo", false)]
    [InlineData("abc.def", "abcdef", false)]
    [InlineData("abc.def", "abc.def", true)]
    [InlineData("abc.def", "abcZdef", false)]
    [InlineData("abc?def", "abcZdef", true)]
    [InlineData("abc?def", "abcdef", false)]
    [InlineData("a\\\\", "a\\", true)]
    [InlineData("**/foo/bar", "foo/bar", true)]
    [InlineData("**/foo/bar", "dir/foo/bar", true)]
    [InlineData("**/foo/bar", "dir/dir2/foo/bar", true)]
    [InlineData("abc/**", "abc", false)]
    [InlineData("abc/**", "abc/def", true)]
    [InlineData("abc/**", "abc/def/ghi", true)]
    [InlineData("**/.foo", ".foo", true)]
    [InlineData("**/.foo", "bar.foo", false)]
    [InlineData("a(b)c/def", "a(b)c/def", true)]
    [InlineData("a(b)c/def", "a(b)c/xyz", false)]
    [InlineData("a.|)$(}+{bc", "a.|)$(}+{bc", true)]
    [InlineData("dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", true)]
    [InlineData("dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", true)]
    [InlineData("a\\*b", "a*b", true)]
    public void Matches_as_mobys_patternmatcher(string pattern, string path, bool excluded) =>
        new DockerIgnore([pattern]).Excludes(path).Should().Be(excluded);

    [Theory]
    [InlineData("util/docker/web/foo", false, "**", "!util/docker/web")]
    [InlineData("util/docker/web/foo", true, "**", "!util/docker/web", "util/docker/web/foo")]
    [InlineData("dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", false, "**", "!dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl")]
    [InlineData("dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", false, "**", "!dist/*.whl")]
    [InlineData("fileutils.go", true, "!fileutils.go", "*.go")]
    [InlineData("docs/README.md", false, "docs", "!docs/README.md")]
    [InlineData("docs/README.md", false, "docs/", "!docs/README.md")]
    [InlineData("docs/README.md", false, "docs/*", "!docs/README.md")]
    [InlineData("fileutils.go", false, "*.go", "!fileutils.go")]
    [InlineData(".", false, "*")]
    public void Later_patterns_and_exceptions_override_earlier_ones(string path, bool excluded, params string[] patterns) =>
        new DockerIgnore(patterns).Excludes(path).Should().Be(excluded);

    // https://docs.docker.com/build/concepts/context/#dockerignore-files: the example file and its table.
    [Theory]
    [InlineData("somedir/temporary.txt", true)]
    [InlineData("somedir/temp", true)]
    [InlineData("somedir/temp/inside", true)]
    [InlineData("somedir/subdir/temporary.txt", true)]
    [InlineData("tempa", true)]
    [InlineData("tempb", true)]
    [InlineData("temp", false)]
    [InlineData("tempab", false)]
    [InlineData("temporary.txt", false)]
    [InlineData("a/b/c/temporary.txt", false)]
    public void Docker_documentation_example(string path, bool excluded) =>
        DockerIgnore.Parse("# comment\n*/temp*\n*/*/temp*\ntemp?\n").Excludes(path).Should().Be(excluded);

    [Theory]
    [InlineData("**/*.go", "main.go", true)]
    [InlineData("**/*.go", "cmd/tool/main.go", true)]
    [InlineData("*.md\n!README.md", "README.md", false)]
    [InlineData("*.md\n!README.md", "CHANGES.md", true)]
    [InlineData("*.md\n!README*.md\nREADME-secret.md", "README-secret.md", true)]
    [InlineData("*.md\n!README*.md\nREADME-secret.md", "README-public.md", false)]
    [InlineData("*.md\n!README*.md\nREADME-secret.md", "notes.md", true)]
    [InlineData("*.md\nREADME-secret.md\n!README*.md", "README-secret.md", false)]
    [InlineData("/secrets\n", "secrets/key", true)]
    [InlineData("./build/../secrets//key", "secrets/key", true)]
    [InlineData("  #hash\n", "#hash", true)] // Only a line starting with '#' is a comment.
    [InlineData("\uFEFF*.log\r\n", "a.log", true)]
    [InlineData("! keep.log\n", "keep.log", false)]
    public void Documented_rules(string file, string path, bool excluded) =>
        DockerIgnore.Parse(file).Excludes(path).Should().Be(excluded);

    [Fact]
    public void Comments_blank_lines_leading_slashes_and_exceptions_are_read_as_docker_reads_them() =>
        DockerIgnore.ReadPatterns("# comment\n\n  /abs/path  \n!  /keep/me \n a/./b/../c\n#*.go\n")
            .Should().Equal("abs/path", "!keep/me", "a/c");

    [Fact]
    public void A_bare_exclamation_mark_and_a_malformed_pattern_are_errors()
    {
        FluentActions.Invoking(() => DockerIgnore.Parse("!\n")).Should().Throw<FormatException>().WithMessage("*illegal exclusion*");
        FluentActions.Invoking(() => DockerIgnore.Parse("[\n")).Should().Throw<FormatException>().WithMessage("*'['*");
    }

    [Fact]
    public void The_dockerfile_and_dockerignore_are_kept_whatever_the_patterns_say()
    {
        var ignore = DockerIgnore.Parse("*\n").Keeping(".dockerignore", "build/Dockerfile");
        ignore.Excludes(".dockerignore").Should().BeFalse();
        ignore.Excludes("build/Dockerfile").Should().BeFalse();
        ignore.Excludes("build/other").Should().BeTrue();
    }

    [Fact]
    public void An_excluded_directory_is_walked_only_when_an_exception_names_something_under_it()
    {
        DockerIgnore.Parse("docs\n").MayKeepUnder("docs").Should().BeFalse();
        DockerIgnore.Parse("docs\n!docs/README.md\n").MayKeepUnder("docs").Should().BeTrue();
        DockerIgnore.Parse("docs\n!docs/README.md\n").MayKeepUnder("other").Should().BeFalse();
    }
}
