using System.Text;
using ClaudeBottle.Launcher.Runtime;

namespace ClaudeBottle.Launcher.Tests.Runtime;

/// <summary>
/// How a container's output becomes lines. Not timed: the splitter is shown to touch each byte once and to keep no
/// more than its cap, which is what makes a line of any length cost time in proportion to it.
/// </summary>
public sealed class LogLineSplitterTests
{
    private const int Cap = LogLineSplitter.DefaultMaxLineBytes;

    private static List<LogLine> Split(LogLineSplitter splitter, params string[] chunks)
    {
        var lines = new List<LogLine>();
        foreach (var chunk in chunks)
            splitter.Split(Encoding.UTF8.GetBytes(chunk), lines);
        return lines;
    }

    [Fact]
    public void A_64_MiB_line_without_a_newline_is_kept_to_its_cap_and_the_rest_counted_with_no_memory_beyond_the_cap()
    {
        var splitter = new LogLineSplitter(Cap, isError: false);
        var chunk = new byte[8192];
        chunk.AsSpan().Fill((byte)'x');
        var lines = new List<LogLine>();
        const long total = 64L * 1024 * 1024;

        splitter.Split(chunk, lines); // The first chunk sizes the buffer.
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var fed = (long)chunk.Length; fed < total; fed += chunk.Length)
            splitter.Split(chunk, lines);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        lines.Should().BeEmpty("no newline has come yet");
        // The old reader appended each chunk to a StringBuilder and copied it whole to look for a newline: about
        // 64 MiB of copies per chunk, 8,192 times. This keeps at most the cap, grown once by doubling.
        allocated.Should().BeLessThan(2 * Cap, "the line costs no memory beyond its cap, however long it goes on");

        Split(splitter, "\nnext line\n").ForEach(lines.Add);
        lines.Should().HaveCount(2);
        lines[0].Text.Should().Be(new string('x', Cap));
        lines[0].CutBytes.Should().Be(total - Cap);
        LogLine.Mark(lines[0].Text, lines[0].CutBytes).Should().EndWith($"x [… {total - Cap} bytes cut]");
        lines[1].Should().Be(new LogLine("next line", false));
    }

    [Fact]
    public void Lines_come_whole_across_chunks_without_their_line_ends()
    {
        var lines = Split(new LogLineSplitter(Cap, isError: true), "one\r\ntw", "o\n\nthr", "ee\n");

        lines.Select(l => l.Text).Should().Equal("one", "two", "", "three");
        lines.Should().OnlyContain(l => l.IsError && l.CutBytes == 0);
    }

    [Fact]
    public void A_character_split_between_chunks_is_decoded_whole()
    {
        var bytes = Encoding.UTF8.GetBytes("é€😀\n");
        var splitter = new LogLineSplitter(Cap, isError: false);
        var lines = new List<LogLine>();
        foreach (var b in bytes)
            splitter.Split(new[] { b }, lines);

        lines.Single().Text.Should().Be("é€😀");
    }

    [Fact]
    public void A_cap_inside_a_character_cuts_before_it()
    {
        // Five bytes fit: "ab" and the first three of the emoji's four.
        var lines = Split(new LogLineSplitter(5, isError: false), "ab😀cd\n");

        lines.Single().Text.Should().Be("ab");
        lines.Single().CutBytes.Should().Be(6, "the emoji's four bytes and 'cd'");
        lines.Single().Text.Should().NotContain("\uFFFD");
    }

    [Fact]
    public void The_last_line_without_a_newline_comes_when_the_stream_ends()
    {
        var splitter = new LogLineSplitter(4, isError: false);
        var lines = Split(splitter, "first\nlast words");
        splitter.Finish(lines);

        lines.Should().Equal(new LogLine("firs", false, 1), new LogLine("last", false, 6));
    }

    [Fact]
    public void Many_lines_in_one_chunk_are_each_a_line()
    {
        var text = string.Concat(Enumerable.Range(0, 10_000).Select(i => $"line {i}\n"));

        var lines = Split(new LogLineSplitter(Cap, isError: false), text);

        lines.Should().HaveCount(10_000);
        lines[^1].Text.Should().Be("line 9999");
    }
}
