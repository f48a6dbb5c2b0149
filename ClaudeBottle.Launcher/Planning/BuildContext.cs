using System.Security.Cryptography;
using System.Text;
using ClaudeBottle.Launcher.Manifest;
using Microsoft.Win32.SafeHandles;

namespace ClaudeBottle.Launcher.Planning;

/// <summary>
/// Reads a bottle's build context the way <c>docker build</c> does, and no further: <c>.dockerignore</c> honoured
/// (the Dockerfile's own <c>&lt;Dockerfile&gt;.dockerignore</c> first, as BuildKit), symbolic links sent as links and
/// never followed, FIFOs, sockets and devices refused, the total capped. Every entry is opened relative to its
/// directory without following links, so nothing outside the context can be read, whatever is swapped in meanwhile.
/// <see cref="Scan"/> looks at metadata only (for the plan, before approval); <see cref="Read"/> reads the files
/// (for the build, after approval).
/// </summary>
public static class BuildContext
{
    /// <summary>The default cap on what a context may send: files plus a tar header each.</summary>
    public const long DefaultMaxBytes = 256L << 20;

    /// <summary>The largest cap: the context is one array in memory while it is sent.</summary>
    public const long LargestMaxBytes = 2L << 30;

    /// <summary>The setting that raises the cap.</summary>
    public const string MaxSizeKey = $"{ClaudeBottleOptions.Section}:{nameof(ClaudeBottleOptions.MaxBuildContextSize)}";

    private const int MaxDepth = 128;
    private const long MaxIgnoreFileBytes = 1 << 20;
    private const long HeaderBytes = 512;

    /// <summary>What the context holds, from metadata alone: no file is opened except the ignore file.</summary>
    public static BuildContextSummary Scan(string directory, string dockerfile, long maxBytes) =>
        new Walk(directory, dockerfile, maxBytes, read: false).Run().Summary;

    /// <summary>The context's entries with their contents, for the build.</summary>
    public static BuildContextContents Read(string directory, string dockerfile, long maxBytes) =>
        new Walk(directory, dockerfile, maxBytes, read: true).Run();

    private sealed class Walk(string directory, string dockerfile, long maxBytes, bool read)
    {
        private readonly List<ContextFile> _entries = [];
        private readonly IncrementalHash _fingerprint = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private DockerIgnore _ignore = new([]);
        private int _files, _directories, _links;
        private long _bytes, _charged;

        public BuildContextContents Run()
        {
            using var root = OpenRoot();
            var ignoreFile = IgnoreFile(root);
            _ignore = (ignoreFile is null ? new DockerIgnore([]) : ReadIgnore(root, ignoreFile))
                .Keeping([".dockerignore", dockerfile, .. ignoreFile is null ? Array.Empty<string>() : [ignoreFile]]);
            Visit(root, "", 0);
            if (_entries.FirstOrDefault(e => e.Name == dockerfile) is not { IsDirectory: false, LinkTarget: null })
                throw new BuildContextException($"the Dockerfile '{dockerfile}' is no longer a regular file in the build context {directory}; " +
                                                "restore it, or name the Dockerfile to use with \"dockerfile\"");
            var summary = new BuildContextSummary(directory, _files, _directories, _links, _bytes, Convert.ToHexStringLower(_fingerprint.GetHashAndReset()));
            return new BuildContextContents(summary, _entries);
        }

        private SafeFileHandle OpenRoot()
        {
            try
            {
                return UnixFiles.OpenDirectoryNoFollow(directory);
            }
            catch (IOException e)
            {
                throw new BuildContextException($"the build context {directory} is no longer the directory that was checked ({e.Message}); " +
                                                "look at what changed, then start the bottle again");
            }
        }

        private void Visit(SafeFileHandle parent, string prefix, int depth)
        {
            if (depth > MaxDepth)
                throw Refused(prefix.TrimEnd('/'), $"is nested more than {MaxDepth} directories deep");
            foreach (var name in UnixFiles.Names(parent).Order(StringComparer.Ordinal))
            {
                var path = prefix + name;
                var stat = UnixFiles.Lstat(parent, name);
                if (stat.Kind is null)
                    continue; // Removed while being walked.
                if (_ignore.Excludes(path))
                {
                    // Docker walks an excluded directory only when an exception may bring back something under it.
                    if (stat.Kind == HostFileKind.Directory && _ignore.MayKeepUnder(path))
                        VisitDirectory(parent, name, path, depth);
                    continue;
                }
                switch (stat.Kind)
                {
                    case HostFileKind.Directory:
                        Add(ContextFile.Directory(path), $"d {path}", HeaderBytes);
                        _directories++;
                        VisitDirectory(parent, name, path, depth);
                        break;
                    case HostFileKind.SymbolicLink:
                        var target = Io(path, () => UnixFiles.ReadLink(parent, name, path));
                        Add(ContextFile.Link(path, target), $"l {path} {target}", HeaderBytes + Encoding.UTF8.GetByteCount(target));
                        _links++;
                        break;
                    case HostFileKind.RegularFile:
                        Charge(HeaderBytes + stat.Size);
                        var content = read ? ReadFile(parent, name, path, stat) : [];
                        Add(new ContextFile(path, content, stat.Executable), $"f {path} {stat.Size} {(stat.Executable ? "x" : "-")}", 0);
                        _files++;
                        _bytes += stat.Size;
                        break;
                    default:
                        throw Refused(path, $"is {HostPathRules.Describe(stat.Kind.Value)}; a build context may hold only files, directories and symbolic links. " +
                                            "Remove it, or leave it out with a line in .dockerignore");
                }
            }
        }

        private void VisitDirectory(SafeFileHandle parent, string name, string path, int depth)
        {
            using var child = Io(path, () => UnixFiles.OpenDirectory(parent, name, path));
            Visit(child, path + "/", depth + 1);
        }

        private void Add(ContextFile entry, string fingerprint, long charge)
        {
            Charge(charge);
            _entries.Add(entry);
            _fingerprint.AppendData(Encoding.UTF8.GetBytes(fingerprint + "\n"));
        }

        private void Charge(long bytes)
        {
            _charged += bytes;
            if (_charged > maxBytes)
                throw new BuildContextException(
                    $"the build context {directory} is larger than {BuildContextSummary.Size(maxBytes)} (the cap on what a build sends), " +
                    $"reached at {_files} files; leave out what the image does not need with .dockerignore, or raise the cap with " +
                    $"--{MaxSizeKey}=1g (or the variable {MaxSizeKey.Replace(":", "__", StringComparison.Ordinal)})");
        }

        private byte[] ReadFile(SafeFileHandle parent, string name, string path, FileStat seen)
        {
            using var handle = Io(path, () => UnixFiles.OpenFile(parent, name, path));
            var now = UnixFiles.Fstat(handle);
            // What was opened must be what was looked at: a file swapped for a link, FIFO or device is refused.
            if (now.Kind != HostFileKind.RegularFile || !now.SameFile(seen))
                throw Refused(path, "changed while the build context was read; start the bottle again");
            if (Math.Min(seen.Size, now.Size) > Array.MaxLength)
                throw Refused(path, $"is larger than the {BuildContextSummary.Size(Array.MaxLength)} one file of a build context may be here");
            var content = new byte[Math.Min(seen.Size, now.Size)];
            var done = 0;
            while (done < content.Length && RandomAccess.Read(handle, content.AsSpan(done), done) is var n and > 0)
                done += n;
            return done == content.Length ? content : content[..done];
        }

        /// <summary>The ignore file Docker would use: the Dockerfile's own, else the context's <c>.dockerignore</c>.</summary>
        private string? IgnoreFile(SafeFileHandle root)
        {
            foreach (var candidate in new[] { dockerfile + ".dockerignore", ".dockerignore" })
            {
                var kind = Stat(root, candidate).Kind;
                if (kind == HostFileKind.RegularFile)
                    return candidate;
                if (kind is not null)
                    throw Refused(candidate, $"is {HostPathRules.Describe(kind.Value)}, not a regular file; make it a plain file of patterns");
            }
            return null;
        }

        private DockerIgnore ReadIgnore(SafeFileHandle root, string file)
        {
            var (parent, name) = ParentOf(root, file);
            using (parent)
            {
                var stat = UnixFiles.Lstat(parent, name);
                if (stat.Size > MaxIgnoreFileBytes)
                    throw Refused(file, $"is larger than {BuildContextSummary.Size(MaxIgnoreFileBytes)}");
                var text = Encoding.UTF8.GetString(ReadFile(parent, name, file, stat));
                try
                {
                    return DockerIgnore.Parse(text);
                }
                catch (FormatException e)
                {
                    throw Refused(file, $"has a pattern Docker cannot read: {e.Message}");
                }
            }
        }

        private FileStat Stat(SafeFileHandle root, string path)
        {
            try
            {
                var (parent, name) = ParentOf(root, path);
                using (parent)
                    return UnixFiles.Lstat(parent, name);
            }
            catch (IOException)
            {
                return FileStat.Missing; // A directory along the way is missing or is no directory.
            }
        }

        /// <summary>The open directory holding <paramref name="path"/> (a new handle), and its last name.</summary>
        private (SafeFileHandle Parent, string Name) ParentOf(SafeFileHandle root, string path)
        {
            var parts = path.Split('/');
            var current = UnixFiles.OpenDirectory(root, ".", directory);
            foreach (var part in parts[..^1])
            {
                using var previous = current;
                current = UnixFiles.OpenDirectory(previous, part, path);
            }
            return (current, parts[^1]);
        }

        private T Io<T>(string path, Func<T> call)
        {
            try
            {
                return call();
            }
            catch (IOException e)
            {
                throw Refused(path, $"cannot be read ({e.Message})");
            }
        }

        private BuildContextException Refused(string path, string why) =>
            new($"the build context {directory}: '{NameRules.Printable(path)}' {why}");
    }
}
