using System.Buffers.Binary;
using System.Text;

namespace LlamaAspire.Deploy.Tests;

/// <summary>A zip's central directory read byte by byte, as Lambda's unzip sees it: names, the platform that made each
/// entry and its Unix mode (which <see cref="System.IO.Compression.ZipArchive"/> does not show).</summary>
internal static class ZipInspector
{
    /// <summary>One central directory entry.</summary>
    public sealed record Entry(string Name, int MadeByPlatform, int UnixMode, ushort DosDate, ushort DosTime);

    /// <summary>The Unix platform id in "version made by".</summary>
    public const int Unix = 3;

    public static List<Entry> Entries(byte[] zip)
    {
        // The end-of-central-directory record is the last 22 bytes when there is no comment.
        var end = zip.Length - 22;
        Assert.Equal(0x06054b50u, BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(end)));
        var count = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(end + 10));
        var offset = (int)BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(end + 16));
        var entries = new List<Entry>();
        for (var i = 0; i < count; i++)
        {
            var header = zip.AsSpan(offset);
            Assert.Equal(0x02014b50u, BinaryPrimitives.ReadUInt32LittleEndian(header));
            var madeBy = header[5];
            var time = BinaryPrimitives.ReadUInt16LittleEndian(header[12..]);
            var date = BinaryPrimitives.ReadUInt16LittleEndian(header[14..]);
            var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(header[28..]);
            var extraLength = BinaryPrimitives.ReadUInt16LittleEndian(header[30..]);
            var commentLength = BinaryPrimitives.ReadUInt16LittleEndian(header[32..]);
            var external = BinaryPrimitives.ReadUInt32LittleEndian(header[38..]);
            var name = Encoding.UTF8.GetString(header.Slice(46, nameLength));
            entries.Add(new Entry(name, madeBy, (int)(external >> 16), date, time));
            offset += 46 + nameLength + extraLength + commentLength;
        }

        return entries;
    }
}
