using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace ClaudeBottle.Integration.Tests.Workspace;

/// <summary>
/// A git repository on the host for clone-mode tests, made and read with the host's git, and hostile to whoever runs
/// git in it carelessly: every hook, and an fsmonitor, leave a mark in <see cref="Marks"/> when they run.
/// </summary>
internal sealed class HostRepository
{
    private HostRepository(string path, string marks) => (Path, Marks) = (path, marks);

    public string Path { get; }

    /// <summary>Where the repository's hooks and fsmonitor write when they run: it stays empty when none runs.</summary>
    public string Marks { get; }

    public static HostRepository Create(string path)
    {
        Directory.CreateDirectory(path);
        var marks = Directory.CreateTempSubdirectory("claude-bottle-hook-marks-").FullName;
        Git(path, "init", "-q", "-b", "main");
        File.WriteAllText(System.IO.Path.Join(path, "README.md"), "the host's readme\n");
        File.WriteAllText(System.IO.Path.Join(path, ".gitignore"), "*.log\n");
        Git(path, "add", "-A");
        Git(path, "-c", "user.name=host", "-c", "user.email=host@example.invalid", "commit", "-q", "-m", "host commit");
        var hooks = System.IO.Path.Join(path, ".git", "hooks");
        Directory.CreateDirectory(hooks);
        foreach (var hook in new[] { "reference-transaction", "post-checkout", "post-merge", "post-rewrite", "pre-auto-gc", "post-index-change", "pre-push" })
        {
            var file = System.IO.Path.Join(hooks, hook);
            File.WriteAllText(file, $"#!/bin/sh\necho ran >> '{marks}/{hook}'\n");
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var monitor = System.IO.Path.Join(marks, "..", System.IO.Path.GetFileName(marks) + "-fsmonitor.sh");
        File.WriteAllText(monitor, $"#!/bin/sh\necho ran >> '{marks}/fsmonitor'\n");
        File.SetUnixFileMode(monitor, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Git(path, "config", "core.fsmonitor", monitor);
        return new HostRepository(path, marks);
    }

    /// <summary>Runs the host's git with hooks off (the test's own reads must not leave marks).</summary>
    public string Run(params string[] args) => Git(Path, ["-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false", .. args]);

    public static string Git(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output.Trim() : throw new InvalidOperationException($"git {string.Join(' ', args)}: {error}");
    }

    /// <summary>
    /// A hash of every file of the working tree and of .git (path, mode and content), but for what a bring-back adds:
    /// objects (with <paramref name="withObjects"/> false) and the refs and reflogs under claude-bottle/.
    /// </summary>
    public string Fingerprint(bool withObjects)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in Directory.EnumerateFileSystemEntries(Path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = System.IO.Path.GetRelativePath(Path, file).Replace('\\', '/');
            if ((!withObjects && relative.StartsWith(".git/objects/", StringComparison.Ordinal))
                || relative.Contains("refs/heads/claude-bottle", StringComparison.Ordinal))
                continue;
            var info = new FileInfo(file);
            hash.AppendData(Encoding.UTF8.GetBytes($"{relative} {info.Attributes.HasFlag(FileAttributes.Directory)} {(info.Exists ? info.UnixFileMode : 0)}\n"));
            if (info.Exists && !info.Attributes.HasFlag(FileAttributes.Directory))
                hash.AppendData(File.ReadAllBytes(file));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The names of the branches under claude-bottle/.</summary>
    public IReadOnlyList<string> AgentBranches() =>
        Run("for-each-ref", "--format=%(refname:short)", "refs/heads/claude-bottle/").Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
