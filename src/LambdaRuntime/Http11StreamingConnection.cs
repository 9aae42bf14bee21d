using System.Buffers;
using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LlamaAspire.LambdaContracts;

namespace LlamaAspire.LambdaRuntime;

/// <summary>
/// One keep-alive HTTP/1.1 connection that sends a chunked POST and can end it with trailers, which HttpClient cannot do
/// (it has no request trailers; see aws-lambda-rust-runtime#696 and aws-lambda-dotnet's ResponseStreaming for the same need).
/// Used only for streamed responses, one connection per response (AWS: the runtime must close it after writing the response).
/// </summary>
internal sealed class Http11StreamingConnection : IDisposable
{
    private const int BufferSize = 16 * 1024;
    private const int MaxResponseHeadBytes = 64 * 1024;
    private static readonly byte[] s_crlf = "\r\n"u8.ToArray();

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private byte[] _readBuffer = new byte[4096];
    private int _readStart;
    private int _readEnd;
    private bool _broken;

    private Http11StreamingConnection(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    public static async Task<Http11StreamingConnection> ConnectAsync(string host, int port, CancellationToken cancellationToken) =>
        new(await RuntimeApiSocket.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false));

    public async Task<StreamingResult> SendStreamingAsync(
        string authority,
        string path,
        string contentType,
        Func<Stream, CancellationToken, Task> writeAsync,
        CancellationToken writerToken,
        CancellationToken ioToken)
    {
        var head = BuildHead(authority, path, contentType);
        var body = new ChunkedRequestStream(this, head);
        Exception? handlerError = null;
        try
        {
            try
            {
                await writeAsync(body, writerToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!_broken)
            {
                handlerError = ex;
            }

            if (_broken)
            {
                throw new HttpRequestException("The Runtime API connection failed while streaming the response.", body.TransportError);
            }

            await body.CompleteAsync(handlerError).ConfigureAwait(false);
            var status = await ReadResponseAsync(ioToken).ConfigureAwait(false);
            return new StreamingResult(status, handlerError);
        }
        catch
        {
            _broken = true;
            throw;
        }
        finally
        {
            body.Release();
        }
    }

    public void Dispose()
    {
        _broken = true;
        _stream.Dispose();
    }

    private static byte[] BuildHead(string authority, string path, string contentType)
    {
        var head = new StringBuilder(256)
            .Append("POST ").Append(path).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(authority).Append("\r\n")
            .Append("User-Agent: ").Append(RuntimeApiClient.UserAgent).Append("\r\n")
            .Append("Content-Type: ").Append(LambdaErrorJson.HeaderSafe(contentType)).Append("\r\n")
            .Append(RuntimeApi.Headers.FunctionResponseMode).Append(": ").Append(RuntimeApi.StreamingResponseMode).Append("\r\n")
            .Append("Transfer-Encoding: chunked\r\n")
            .Append("Connection: close\r\n")
            .Append("Trailer: ").Append(RuntimeApi.Headers.FunctionErrorType).Append(", ").Append(RuntimeApi.Headers.FunctionErrorBody).Append("\r\n")
            .Append("\r\n")
            .ToString();
        return Encoding.ASCII.GetBytes(head);
    }

    // ---- writing -------------------------------------------------------------------------------------------------------------

    private async ValueTask WriteRawAsync(ReadOnlyMemory<byte> data)
    {
        try
        {
            // Not cancellable on purpose: a write cut in half would corrupt the chunk framing.
            await _stream.WriteAsync(data, CancellationToken.None).ConfigureAwait(false);
        }
        catch
        {
            _broken = true;
            throw;
        }
    }

    private void WriteRaw(ReadOnlySpan<byte> data)
    {
        try
        {
            _stream.Write(data);
        }
        catch
        {
            _broken = true;
            throw;
        }
    }

    // ---- reading the response ------------------------------------------------------------------------------------------------

    private async Task<int> ReadResponseAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var statusLine = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1.", StringComparison.Ordinal) ||
                !int.TryParse(statusLine.AsSpan(9, 3), out var status))
            {
                throw new HttpRequestException($"Invalid HTTP response status line '{statusLine}'.");
            }

            long contentLength = -1;
            var chunked = false;
            while (true)
            {
                var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
                if (line.Length == 0)
                {
                    break;
                }

                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0)
                {
                    continue;
                }

                var name = line.AsSpan(0, colon).Trim();
                var value = line.AsSpan(colon + 1).Trim();
                if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    _ = long.TryParse(value, out contentLength);
                }
                else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
                {
                    chunked = value.Contains("chunked", StringComparison.OrdinalIgnoreCase);
                }
            }

            if (status is >= 100 and < 200)
            {
                continue; // 100 Continue and friends: the real response follows.
            }

            if (status is 204 or 304)
            {
                return status;
            }

            if (chunked)
            {
                await DrainChunkedAsync(cancellationToken).ConfigureAwait(false);
            }
            else if (contentLength >= 0)
            {
                await SkipAsync(contentLength, cancellationToken).ConfigureAwait(false);
            }
            // else: a body delimited by the connection's close; we close it ourselves without reading it.
            return status;
        }
    }

    private async Task DrainChunkedAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var sizeLine = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
            var semicolon = sizeLine.IndexOf(';', StringComparison.Ordinal);
            var sizeText = semicolon >= 0 ? sizeLine.AsSpan(0, semicolon) : sizeLine.AsSpan();
            if (!long.TryParse(sizeText.Trim(), System.Globalization.NumberStyles.AllowHexSpecifier, null, out var size) || size < 0)
            {
                throw new HttpRequestException($"Invalid chunk size line '{sizeLine}'.");
            }

            if (size == 0)
            {
                while ((await ReadLineAsync(cancellationToken).ConfigureAwait(false)).Length != 0)
                {
                    // response trailers: ignored
                }

                return;
            }

            await SkipAsync(size + 2, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SkipAsync(long count, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            if (_readStart == _readEnd)
            {
                await FillAsync(cancellationToken).ConfigureAwait(false);
            }

            var take = (int)Math.Min(count, _readEnd - _readStart);
            _readStart += take;
            count -= take;
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        var scanFrom = _readStart;
        while (true)
        {
            var index = _readBuffer.AsSpan(scanFrom, _readEnd - scanFrom).IndexOf((byte)'\n');
            if (index >= 0)
            {
                var end = scanFrom + index;
                var lineEnd = end > _readStart && _readBuffer[end - 1] == '\r' ? end - 1 : end;
                var line = Encoding.Latin1.GetString(_readBuffer, _readStart, lineEnd - _readStart);
                _readStart = end + 1;
                return line;
            }

            scanFrom = _readEnd;
            var consumedBefore = _readStart;
            await FillAsync(cancellationToken).ConfigureAwait(false);
            scanFrom -= consumedBefore - _readStart; // FillAsync may compact the buffer
        }
    }

    private async Task FillAsync(CancellationToken cancellationToken)
    {
        if (_readStart > 0)
        {
            Buffer.BlockCopy(_readBuffer, _readStart, _readBuffer, 0, _readEnd - _readStart);
            _readEnd -= _readStart;
            _readStart = 0;
        }

        if (_readEnd == _readBuffer.Length)
        {
            if (_readBuffer.Length >= MaxResponseHeadBytes)
            {
                throw new HttpRequestException("The Runtime API response line is too long.");
            }

            Array.Resize(ref _readBuffer, _readBuffer.Length * 2);
        }

        int read;
        try
        {
            read = await _stream.ReadAsync(_readBuffer.AsMemory(_readEnd), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _broken = true;
            throw;
        }

        if (read == 0)
        {
            _broken = true;
            throw new HttpRequestException("The Runtime API closed the connection before answering the streamed response.");
        }

        _readEnd += read;
    }

    internal readonly record struct StreamingResult(int StatusCode, Exception? HandlerError);

    /// <summary>The write-only body stream handed to the function: each write becomes one chunk, sent immediately.</summary>
    private sealed class ChunkedRequestStream(Http11StreamingConnection connection, byte[] head) : Stream
    {
        private const int ChunkHeaderMax = 16 + 2; // hex length + CRLF
        private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        private bool _headPending = true;
        private bool _completed;

        public Exception? TransportError { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => !_completed;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
            // Every write is already on the wire.
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void WriteByte(byte value) => Write([value]);

        public override void Write(ReadOnlySpan<byte> data)
        {
            EnsureWritable();
            if (data.IsEmpty)
            {
                return; // a zero-length chunk would end the body
            }

            var buffer = _buffer!;
            var used = TakeHead(buffer);
            if (used + ChunkHeaderMax + data.Length + 2 <= buffer.Length)
            {
                used += WriteChunkHeader(buffer.AsSpan(used), data.Length);
                data.CopyTo(buffer.AsSpan(used));
                used += data.Length;
                s_crlf.CopyTo(buffer.AsSpan(used));
                Send(buffer.AsSpan(0, used + 2));
                return;
            }

            used += WriteChunkHeader(buffer.AsSpan(used), data.Length);
            Send(buffer.AsSpan(0, used));
            Send(data);
            Send(s_crlf);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
        {
            EnsureWritable();
            cancellationToken.ThrowIfCancellationRequested();
            if (data.IsEmpty)
            {
                return;
            }

            var buffer = _buffer!;
            var used = TakeHead(buffer);
            if (used + ChunkHeaderMax + data.Length + 2 <= buffer.Length)
            {
                used += WriteChunkHeader(buffer.AsSpan(used), data.Length);
                data.Span.CopyTo(buffer.AsSpan(used));
                used += data.Length;
                s_crlf.CopyTo(buffer.AsSpan(used));
                await SendAsync(buffer.AsMemory(0, used + 2)).ConfigureAwait(false);
                return;
            }

            used += WriteChunkHeader(buffer.AsSpan(used), data.Length);
            await SendAsync(buffer.AsMemory(0, used)).ConfigureAwait(false);
            await SendAsync(data).ConfigureAwait(false);
            await SendAsync(s_crlf).ConfigureAwait(false);
        }

        /// <summary>Ends the body: the last chunk, then the error trailers if the function failed.</summary>
        public async Task CompleteAsync(Exception? error)
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            var buffer = _buffer!;
            var used = TakeHead(buffer);
            var terminator = new StringBuilder("0\r\n");
            if (error is not null)
            {
                terminator.Append(RuntimeApi.Headers.FunctionErrorType).Append(": ")
                    .Append(LambdaErrorJson.HeaderSafe(LambdaErrorJson.ErrorTypeOf(error))).Append("\r\n")
                    .Append(RuntimeApi.Headers.FunctionErrorBody).Append(": ")
                    .Append(Convert.ToBase64String(LambdaErrorJson.Write(error))).Append("\r\n");
            }

            terminator.Append("\r\n");
            var tail = Encoding.ASCII.GetBytes(terminator.ToString());
            if (used + tail.Length <= buffer.Length)
            {
                tail.CopyTo(buffer.AsSpan(used));
                await SendAsync(buffer.AsMemory(0, used + tail.Length)).ConfigureAwait(false);
            }
            else
            {
                await SendAsync(buffer.AsMemory(0, used)).ConfigureAwait(false);
                await SendAsync(tail).ConfigureAwait(false);
            }
        }

        public void Release()
        {
            _completed = true;
            if (_buffer is { } buffer)
            {
                _buffer = null;
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        private void EnsureWritable()
        {
            ObjectDisposedException.ThrowIf(_completed || _buffer is null, this);
            if (TransportError is not null)
            {
                throw new IOException("The Runtime API connection failed.", TransportError);
            }
        }

        private int TakeHead(byte[] buffer)
        {
            if (!_headPending)
            {
                return 0;
            }

            _headPending = false;
            if (head.Length + ChunkHeaderMax + 64 > buffer.Length)
            {
                Send(head);
                return 0;
            }

            head.CopyTo(buffer, 0);
            return head.Length;
        }

        private static int WriteChunkHeader(Span<byte> destination, int length)
        {
            Utf8Formatter.TryFormat(length, destination, out var written, new System.Buffers.StandardFormat('X'));
            destination[written++] = (byte)'\r';
            destination[written++] = (byte)'\n';
            return written;
        }

        private void Send(ReadOnlySpan<byte> data)
        {
            try
            {
                connection.WriteRaw(data);
            }
            catch (Exception ex)
            {
                TransportError = ex;
                throw;
            }
        }

        private async ValueTask SendAsync(ReadOnlyMemory<byte> data)
        {
            try
            {
                await connection.WriteRawAsync(data).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                TransportError = ex;
                throw;
            }
        }
    }
}
