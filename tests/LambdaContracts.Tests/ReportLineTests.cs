using LlamaAspire.LambdaContracts.Logs;

namespace LlamaAspire.LambdaContracts.Tests;

/// <summary>The REPORT / INIT_REPORT parser on the line shapes AWS documents, and the writer's output read back.</summary>
public sealed class ReportLineTests
{
    [Fact]
    public void A_cold_start_report_as_AWS_documents_it_parses_every_field()
    {
        // docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html (trailing tab included, as Lambda writes it).
        const string line = "REPORT RequestId: 3604209a-e9a3-11e6-939a-754dd98c7be3\tDuration: 12.68 ms\tBilled Duration: 309 ms\tMemory Size: 512 MB\tMax Memory Used: 93 MB\tInit Duration: 295.33 ms\t";

        Assert.True(ReportLine.TryParse(line, out var report));
        Assert.Equal("3604209a-e9a3-11e6-939a-754dd98c7be3", report!.RequestId);
        Assert.Equal(12.68, report.DurationMs);
        Assert.Equal(309, report.BilledDurationMs);
        Assert.Equal(512, report.MemorySizeMb);
        Assert.Equal(93, report.MaxMemoryUsedMb);
        Assert.Equal(295.33, report.InitDurationMs);
        Assert.True(report.IsColdStart);
        Assert.Null(report.Status);
    }

    [Fact]
    public void A_warm_report_with_XRay_tracing_has_no_init_duration()
    {
        const string line = "REPORT RequestId: 1f6c2a4e-1111-2222-3333-444455556666\tDuration: 1.23 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t\nXRAY TraceId: 1-5e1b4151-5ac6c58f5b8d2d5f3c8e8d4e\tSegmentId: 6f5c2b8e1a9d3c4b\tSampled: true\t";

        Assert.True(ReportLine.TryParse(line.Replace("\n", "", StringComparison.Ordinal), out var report));
        Assert.Null(report!.InitDurationMs);
        Assert.False(report.IsColdStart);
        Assert.Equal("1-5e1b4151-5ac6c58f5b8d2d5f3c8e8d4e", report.XRayTraceId);
        Assert.Equal("6f5c2b8e1a9d3c4b", report.XRaySegmentId);
    }

    [Fact]
    public void A_SnapStart_report_carries_the_restore_durations_instead_of_init()
    {
        // docs.aws.amazon.com/lambda/latest/dg/snapstart-monitoring.html
        const string line = "REPORT RequestId: 8d2ba1ce-6b6e-4b2f-9b1f-d7f1ef5d0b2a\tDuration: 10.23 ms\tBilled Duration: 201 ms\tMemory Size: 512 MB\tMax Memory Used: 68 MB\tRestore Duration: 391.91 ms\tBilled Restore Duration: 190 ms";

        Assert.True(ReportLine.TryParse(line, out var report));
        Assert.Null(report!.InitDurationMs);
        Assert.Equal(391.91, report.RestoreDurationMs);
        Assert.Equal(190, report.BilledRestoreDurationMs);
        Assert.True(report.IsColdStart);
    }

    [Fact]
    public void The_Runtime_Interface_Emulators_report_without_init_parses_too()
    {
        const string line = "REPORT RequestId: 0c7c2b5a-3f0e-4b57-9b9b-0e8f3b5f5a11\tInit Duration: 0.17 ms\tDuration: 1.80 ms\tBilled Duration: 2 ms\tMemory Size: 3008 MB\tMax Memory Used: 3008 MB\t";

        Assert.True(ReportLine.TryParse(line, out var report));
        Assert.Equal(3008, report!.MemorySizeMb);
        Assert.Equal(0.17, report.InitDurationMs);
    }

    [Fact]
    public void A_platform_failure_report_keeps_status_and_error_type()
    {
        var written = new ReportLine("r-1", 3000.5, 3001, 256, 256) { Status = "error", ErrorType = "Runtime.OutOfMemory" }.Format();

        Assert.Equal("REPORT RequestId: r-1\tDuration: 3000.50 ms\tBilled Duration: 3001 ms\tMemory Size: 256 MB\tMax Memory Used: 256 MB\tStatus: error\tError Type: Runtime.OutOfMemory", written);
        Assert.True(ReportLine.TryParse(written, out var report));
        Assert.Equal("error", report!.Status);
        Assert.Equal("Runtime.OutOfMemory", report.ErrorType);
    }

    [Fact]
    public void Every_field_the_writer_writes_is_read_back()
    {
        var original = new ReportLine("r-2", 12.5, 308, 1769, 512)
        {
            InitDurationMs = 295.25,
            RestoreDurationMs = 10.5,
            BilledRestoreDurationMs = 11,
            XRayTraceId = "1-00000001-000000000000000000000002",
            XRaySegmentId = "0000000000000003",
            Status = "timeout",
        };

        Assert.True(ReportLine.TryParse(original.Format(), out var parsed));
        Assert.Equal(original, parsed);
    }

    [Theory]
    [InlineData("START RequestId: x Version: $LATEST")]
    [InlineData("REPORT RequestId: x\tDuration: abc ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 1 MB")]
    [InlineData("REPORT RequestId: x\tDuration: 1 ms")]
    [InlineData("")]
    [InlineData(null)]
    public void Other_or_broken_lines_are_not_reports(string? line) => Assert.False(ReportLine.TryParse(line, out _));

    [Fact]
    public void An_init_report_parses_with_and_without_the_space_before_ms()
    {
        Assert.True(InitReportLine.TryParse("INIT_REPORT Init Duration: 9804ms Phase: init\tStatus: error\tError Type: Extension.Crash".Replace(" Phase", "\tPhase", StringComparison.Ordinal), out var a));
        Assert.Equal(new InitReportLine(9804, "init", "error", "Extension.Crash"), a);

        var written = new InitReportLine(10000, InitReportLine.InitPhase, "timeout").Format();
        Assert.Equal("INIT_REPORT Init Duration: 10000.00 ms\tPhase: init\tStatus: timeout", written);
        Assert.True(InitReportLine.TryParse(written, out var b));
        Assert.Null(b!.ErrorType);
    }

    [Fact]
    public void A_tail_log_from_the_header_yields_its_report_and_init_report()
    {
        var text = string.Join('\n',
            PlatformLines.InitStart("provided:al2023.v1", "arn:aws:lambda:us-east-1::runtime:x"),
            new InitReportLine(10000, InitReportLine.InitPhase, "timeout").Format(),
            PlatformLines.Start("r-3", "$LATEST"),
            "function output",
            PlatformLines.End("r-3"),
            new ReportLine("r-3", 5, 10006, 128, 60) { InitDurationMs = 10000 }.Format()) + "\n";

        var tail = TailLog.FromHeader(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(text)));

        Assert.Equal(6, tail.Lines.Count);
        Assert.Equal("r-3", tail.Report!.RequestId);
        Assert.Equal("timeout", tail.InitReport!.Status);
        var error = Assert.Throws<FormatException>(() => TailLog.FromHeader("not base64!"));
        Assert.Contains(InvokeApi.Headers.LogResult, error.Message, StringComparison.Ordinal);
    }
}
